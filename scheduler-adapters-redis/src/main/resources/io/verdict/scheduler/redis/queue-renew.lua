-- ARGV[4] ref, ARGV[5] token, ARGV[6] lease ms, ARGV[7] batch (the lease receipt).
-- Returns {1, expiresAt} or {0, -1} (not held, or expired).
-- The renewed lease gets its own record in holders and its own entry in the leases zset, which decide its expiry
-- from now on; its batch record stays (for its other messages).
local now = now_ms()
local ref, token, lease_ms = ARGV[4], ARGV[5], tonumber(ARGV[6])
local lease = find_lease(ref, token, ARGV[7])
if not lease or lease.exp < now then return { 0, -1 } end
local expires = int(now + lease_ms)
redis.call('HSET', HOLDERS, ref, encode_holder(token, expires, lease.batch, lease.owner, lease.record))
redis.call('ZADD', LEASES, expires, ref)
-- A long-running lease keeps its idempotency record alive too.
if redis.call('PTTL', idemp(ref)) < lease_ms then redis.call('PEXPIRE', idemp(ref), int(TTL + lease_ms)) end
return { 1, tonumber(expires) }
