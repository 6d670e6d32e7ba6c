-- ARGV[4] ref, ARGV[5] token, ARGV[6] reason, ARGV[7] dead stream max length (approximate),
-- ARGV[8] runId, ARGV[9] index, ARGV[10] scheduleId ('' when none). Returns 1, or 0 when the lease is not held.
local now = now_ms()
local ref, token = ARGV[4], ARGV[5]
local h = held(ref, token)
if not h then return 0 end
local n, entry, tenant = h[1], h[3], h[4]
local payload = payload_of(entry) or ''
redis.call('XACK', STREAM, GROUP, entry)
redis.call('XDEL', STREAM, entry)
redis.call('ZREM', LEASES, ref)
redis.call('HDEL', HOLDERS, ref)
redis.call('HDEL', idemp(ref), ref)
redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -1)
redis.call('XADD', DEAD, 'MAXLEN', '~', ARGV[7], '*', 'runId', ARGV[8], 'index', ARGV[9], 'scheduleId', ARGV[10],
  'tenantId', tenant, 'reason', ARGV[6], 'deliveries', n, 'at', int(now), 'payload', payload)
return 1
