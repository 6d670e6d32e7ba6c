-- ARGV[4] ref, ARGV[5] token, ARGV[6] availableAt ms. Returns 1, or 0 when the lease is not held.
local now = now_ms()
local ref, token, at = ARGV[4], ARGV[5], tonumber(ARGV[6])
local h = held(ref, token)
if not h then return 0 end
local n, entry, tenant, payload = h[1], h[4], h[5], h[6]
redis.call('XACK', STREAM, GROUP, entry)
redis.call('XDEL', STREAM, entry)
redis.call('ZREM', LEASES, ref)
redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -1)
if at <= now then
  local id = add_ready(ref, tenant, payload, n)
  put(ref, encode('ready', n, '', '', id, tenant, payload), TTL)
  redis.call('HINCRBY', BACKLOG, 'ready|' .. tenant, 1)
else
  redis.call('ZADD', DELAYED, ARGV[6], ref)
  put(ref, encode('delayed', n, '', '', '', tenant, payload), TTL + (at - now))
  redis.call('HINCRBY', BACKLOG, 'delayed|' .. tenant, 1)
end
return 1
