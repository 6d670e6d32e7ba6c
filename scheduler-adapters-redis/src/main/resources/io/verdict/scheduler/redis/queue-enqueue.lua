-- ARGV[4] availableAt ms (one for the whole batch); then per message 4 values: ref, runId, tenant, payload.
-- Returns how many were added (refs already waiting or leased are skipped).
-- Per run and call: one HMGET (already there?), one HSET (idempotency fields), one RPUSH (ready list), a PTTL; per
-- message only its XADD.
local now = now_ms()
local at = tonumber(ARGV[4])
local ready_now = at <= now
-- The hash must outlive the wait, or a long retry window would lose its payload.
local keep = TTL + math.max(0, at - now)
local per_run, runs = {}, {}
for i = 5, #ARGV, 4 do
  local run = ARGV[i + 1]
  if not per_run[run] then runs[#runs + 1] = run end
  group_by_run(per_run, run, ARGV[i])
end
local existing = {}
for _, run in ipairs(runs) do
  local refs = per_run[run]
  local got = read_many('HMGET', idemp_of_run(run), refs)
  for x, ref in ipairs(refs) do
    if got[x] then existing[ref] = true end
  end
end
local counts, fields, delayed = {}, {}, {}
local added = 0
for i = 5, #ARGV, 4 do
  local ref, run, tenant, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if not existing[ref] then
    existing[ref] = true -- the same ref twice in one batch counts once
    local value
    if ready_now then
      local id = add_ready(ref, tenant, payload, '0')
      value = encode_waiting('stream', '0', id, tenant, '')
    else
      delayed[#delayed + 1] = ARGV[4]
      delayed[#delayed + 1] = ref
      value = encode_waiting('delayed', '0', '', tenant, payload)
    end
    local f = fields[run]
    if not f then
      f = {}
      fields[run] = f
    end
    f[#f + 1] = ref
    f[#f + 1] = value
    bump(counts, tenant, 1)
    added = added + 1
  end
end
flush_ready()
chunked('ZADD', DELAYED, delayed)
for run, f in pairs(fields) do
  local key = idemp_of_run(run)
  chunked('HSET', key, f)
  keep_alive(key, keep)
end
flush_backlog(ready_now and 'ready' or 'delayed', counts)
return added
