-- ARGV[3] ref, ARGV[4] token, ARGV[5] availableAt ms, ARGV[6] idempotency TTL ms. Returns 1, or 0 when not held.
local now = now_ms()
local ref, token, at, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local h = held(ref, token)
if not h then return 0 end
local k = idemp(ref)
redis.call('XACK', STREAM, GROUP, h[3])
redis.call('XDEL', STREAM, h[3])
redis.call('ZREM', LEASES, ref)
redis.call('HDEL', k, 'owner', 'token', 'expires', 'entry')
redis.call('HINCRBY', BACKLOG, 'leased|' .. h[4], -1)
if at <= now then
  local id = add_ready(ref, h[4], h[5])
  redis.call('HSET', k, 'state', 'ready', 'entry', id)
  redis.call('HINCRBY', BACKLOG, 'ready|' .. h[4], 1)
else
  redis.call('ZADD', DELAYED, int(at), ref)
  redis.call('HSET', k, 'state', 'delayed')
  redis.call('HINCRBY', BACKLOG, 'delayed|' .. h[4], 1)
end
redis.call('PEXPIRE', k, int(ttl + math.max(0, at - now)))
return 1
