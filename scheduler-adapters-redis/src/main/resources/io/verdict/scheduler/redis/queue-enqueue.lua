-- ARGV[4] availableAt ms (one for the whole batch); then per message 4 values: ref, runId, tenant, payload.
-- Returns how many were added (refs already waiting or leased are skipped).
-- Per run and call: one HMGET (already there?), one HSET (idempotency fields), one RPUSH (ready list), a PTTL; per
-- message only its XADD. The loops keep their own counters and cache per-tenant strings: in Lua, `#t`, a function
-- call or a string built per message costs about as much as a Redis command's work per message.
local now = now_ms()
local at = tonumber(ARGV[4])
local ready_now = at <= now
-- The hash must outlive the wait, or a long retry window would lose its payload.
local keep = TTL + math.max(0, at - now)
local per_run, runs, nruns = {}, {}, 0
for i = 5, #ARGV, 4 do
  local run = ARGV[i + 1]
  local l = per_run[run]
  if not l then
    l = { n = 0 }
    per_run[run] = l
    nruns = nruns + 1
    runs[nruns] = run
  end
  local n = l.n + 1
  l.n = n
  l[n] = ARGV[i]
end
local existing = {}
for r = 1, nruns do
  local run = runs[r]
  local refs = per_run[run]
  refs.n = nil
  local got = read_many('HMGET', idemp_of_run(run), refs)
  for x = 1, #refs do
    if got[x] then existing[refs[x]] = true end
  end
end
-- '|<tenant length>|<tenant>', the tail of every idempotency value of the tenant.
local tail = {}
local counts, fields, delayed, nd = {}, {}, {}, 0
local added = 0
for i = 5, #ARGV, 4 do
  local ref = ARGV[i]
  if not existing[ref] then
    existing[ref] = true -- the same ref twice in one batch counts once
    local run, tenant, payload = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local t = tail[tenant]
    if not t then
      t = '|' .. #tenant .. '|' .. tenant
      tail[tenant] = t
    end
    local value
    if ready_now then
      value = 'stream|0|' .. add_ready(ref, tenant, payload, '0', run) .. t
    else
      delayed[nd + 1] = ARGV[4]
      delayed[nd + 2] = ref
      nd = nd + 2
      value = 'delayed|0|' .. t .. payload
    end
    local f = fields[run]
    if not f then
      f = { n = 0 }
      fields[run] = f
    end
    local n = f.n
    f[n + 1] = ref
    f[n + 2] = value
    f.n = n + 2
    counts[tenant] = (counts[tenant] or 0) + 1
    added = added + 1
  end
end
flush_ready()
chunked('ZADD', DELAYED, delayed)
for run, f in pairs(fields) do
  local key = idemp_of_run(run)
  f.n = nil
  chunked('HSET', key, f)
  keep_alive(key, keep)
end
flush_backlog(ready_now and 'ready' or 'delayed', counts)
return added
