-- ARGV[4] ref, ARGV[5] token, ARGV[6] availableAt ms. Returns 1, or 0 when the lease is not held.
local now = now_ms()
local ref, token, at = ARGV[4], ARGV[5], tonumber(ARGV[6])
local h = held(ref, token)
if not h then return 0 end
local n, entry, tenant = h[1], h[3], h[4]
local payload = payload_of(entry)
redis.call('XACK', STREAM, GROUP, entry)
redis.call('XDEL', STREAM, entry)
redis.call('ZREM', LEASES, ref)
redis.call('HDEL', HOLDERS, ref)
redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -1)
if not payload then return 1 end
local state = requeue(ref, tenant, payload, n, at, now)
flush_ready()
redis.call('HINCRBY', BACKLOG, state .. '|' .. tenant, 1)
return 1
