-- ARGV[3] idempotency TTL ms; then per message 4 values: ref, tenant, payload, availableAt ms.
-- Returns how many were added (refs already waiting or leased are skipped).
local now = now_ms()
local ttl = tonumber(ARGV[3])
local ready, delayed, per_run, run_ttl = {}, {}, {}, {}
local added = 0
for i = 4, #ARGV, 4 do
  local ref, tenant, payload, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local k = idemp(ref)
  if redis.call('EXISTS', k) == 0 then
    if at <= now then
      local id = add_ready(ref, tenant, payload)
      redis.call('HSET', k, 'state', 'ready', 'entry', id, 'tenant', tenant, 'payload', payload, 'deliveries', 0)
      bump(ready, tenant, 1)
    else
      redis.call('ZADD', DELAYED, int(at), ref)
      redis.call('HSET', k, 'state', 'delayed', 'tenant', tenant, 'payload', payload, 'deliveries', 0)
      bump(delayed, tenant, 1)
    end
    -- The key must outlive the wait, or a long retry window would lose its payload.
    local keep = ttl + math.max(0, at - now)
    redis.call('PEXPIRE', k, int(keep))
    group_by_run(per_run, ref)
    local run = run_of(ref)
    if run then run_ttl[run] = math.max(run_ttl[run] or 0, keep) end
    added = added + 1
  end
end
for run, refs in pairs(per_run) do
  local rk = BASE .. 'run:' .. run
  chunked('SADD', rk, refs)
  if redis.call('PTTL', rk) < run_ttl[run] then redis.call('PEXPIRE', rk, int(run_ttl[run])) end
end
flush_backlog('ready', ready)
flush_backlog('delayed', delayed)
return added
