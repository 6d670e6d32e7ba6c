-- ARGV[4] availableAt ms (one for the whole batch); then per message 4 values: ref, runId, tenant, record tail
-- ("0|<len(tenant)>|<tenant><len(ref)>|<ref><len(payload)>|<payload>", built by the caller).
-- Returns how many were added (refs already waiting or leased are skipped).
-- Per run and call: one HMGET (already there?), one HSET (idempotency fields), one RPUSH (ready list), a PTTL; per
-- message no command at all. The loops keep their own counters and cache per-tenant work: in Lua, `#t`, a function
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
local existing, fresh = {}, 0
for r = 1, nruns do
  local run = runs[r]
  local refs = per_run[run]
  local k = refs.n
  refs.n = nil
  local got = read_many('HMGET', idemp_of_run(run), refs)
  for x = 1, k do
    if got[x] then existing[refs[x]] = true else fresh = fresh + 1 end
  end
end
if fresh == 0 then return 0 end
-- One block of generations for the call (a duplicate ref inside the batch just leaves a number unused).
local g = ready_now and (redis.call('INCRBY', SEQ, fresh) - fresh) or 0
local counts, fields, delayed, nd = {}, {}, {}, 0
local added = 0
for i = 5, #ARGV, 4 do
  local ref = ARGV[i]
  if not existing[ref] then
    existing[ref] = true -- the same ref twice in one batch counts once
    local run, tenant = ARGV[i + 1], ARGV[i + 2]
    local value
    if ready_now then
      g = g + 1
      value = g16(g)
      list_ready(run, tenant, value .. ARGV[i + 3])
    else
      delayed[nd + 1] = ARGV[4]
      delayed[nd + 2] = ref
      nd = nd + 2
      value = '@' .. ARGV[i + 3]
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
