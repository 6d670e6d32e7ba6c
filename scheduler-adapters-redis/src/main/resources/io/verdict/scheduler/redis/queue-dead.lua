-- ARGV[4] ref, ARGV[5] token, ARGV[6] reason, ARGV[7] dead stream max length (approximate),
-- ARGV[8] runId, ARGV[9] index, ARGV[10] scheduleId ('' when none), ARGV[11] batch.
-- Returns 1, or 0 when the lease is not held.
local now = now_ms()
local ref, token = ARGV[4], ARGV[5]
local lease = find_lease(ref, token, ARGV[11])
if not lease then return 0 end
end_lease(ref, lease)
redis.call('HDEL', idemp(ref), ref)
redis.call('XADD', DEAD, 'MAXLEN', '~', ARGV[7], '*', 'runId', ARGV[8], 'index', ARGV[9], 'scheduleId', ARGV[10],
  'tenantId', lease.tenant, 'reason', ARGV[6], 'deliveries', int(tonumber(lease.d) + 1), 'at', int(now),
  'payload', lease.payload)
return 1
