-- ARGV[3] ref, ARGV[4] token, ARGV[5] reason, ARGV[6] dead stream max length (approximate),
-- ARGV[7] runId, ARGV[8] index, ARGV[9] scheduleId ('' when none). Returns 1, or 0 when not held.
local now = now_ms()
local ref, token = ARGV[3], ARGV[4]
local h = held(ref, token)
if not h then return 0 end
redis.call('XACK', STREAM, GROUP, h[3])
redis.call('XDEL', STREAM, h[3])
redis.call('ZREM', LEASES, ref)
redis.call('DEL', idemp(ref))
local run = run_of(ref)
if run then redis.call('SREM', BASE .. 'run:' .. run, ref) end
redis.call('HINCRBY', BACKLOG, 'leased|' .. h[4], -1)
redis.call('XADD', DEAD, 'MAXLEN', '~', ARGV[6], '*', 'runId', ARGV[7], 'index', ARGV[8], 'scheduleId', ARGV[9],
  'tenantId', h[4], 'reason', ARGV[5], 'deliveries', h[6], 'at', int(now), 'payload', h[5])
return 1
