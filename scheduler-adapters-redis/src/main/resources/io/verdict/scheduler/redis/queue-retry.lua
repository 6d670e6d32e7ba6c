-- ARGV[4] ref, ARGV[5] token, ARGV[6] availableAt ms, ARGV[7] batch. Returns 1, or 0 when the lease is not held.
local now = now_ms()
local ref, token, at = ARGV[4], ARGV[5], tonumber(ARGV[6])
local lease = find_lease(ref, token, ARGV[7])
if not lease then return 0 end
end_lease(ref, lease)
local state = requeue(ref, lease.tenant, lease.payload, int(tonumber(lease.d) + 1), at, now)
flush_ready()
redis.call('HINCRBY', BACKLOG, state .. '|' .. lease.tenant, 1)
return 1
