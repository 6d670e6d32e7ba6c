-- ARGV[4] availableAt ms (one for the whole batch); then per message 4 values: ref, runId, tenant, payload.
-- Returns how many were added (refs already waiting or leased are skipped).
local now = now_ms()
local at = tonumber(ARGV[4])
local ready_now = at <= now
-- The key must outlive the wait, or a long retry window would lose its payload.
local keep = TTL + math.max(0, at - now)
local keys = {}
for i = 5, #ARGV, 4 do keys[#keys + 1] = idemp(ARGV[i]) end
local existing = read_many('MGET', nil, keys)
local counts, per_run, seen, delayed = {}, {}, {}, {}
local added = 0
for x = 1, #keys do
  local i = 5 + (x - 1) * 4
  local ref, run, tenant, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if not existing[x] and not seen[ref] then
    seen[ref] = true
    if ready_now then
      local id = add_ready(ref, tenant, payload, '0')
      put_waiting(ref, encode_waiting('stream', '0', id, tenant, ''), keep)
    else
      delayed[#delayed + 1] = ARGV[4]
      delayed[#delayed + 1] = ref
      put_waiting(ref, encode_waiting('delayed', '0', '', tenant, payload), keep)
    end
    group_by_run(per_run, run, ref)
    bump(counts, tenant, 1)
    added = added + 1
  end
end
chunked('ZADD', DELAYED, delayed)
for run, refs in pairs(per_run) do
  local rk = BASE .. 'run:' .. run
  chunked('SADD', rk, refs)
  if redis.call('PTTL', rk) < keep then redis.call('PEXPIRE', rk, int(keep)) end
end
flush_backlog(ready_now and 'ready' or 'delayed', counts)
return added
