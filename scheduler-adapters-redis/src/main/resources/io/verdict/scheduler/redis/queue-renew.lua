-- ARGV[4] ref, ARGV[5] token, ARGV[6] lease ms. Returns {1, expiresAt} or {0, currentToken or -1}.
local now = now_ms()
local ref, token, lease_ms = ARGV[4], ARGV[5], tonumber(ARGV[6])
local tok, n, exp, entry, tenant, owner = decode_lease(redis.call('HGET', HOLDERS, ref))
if tok ~= token or tonumber(exp) < now then
  if tok then return { 0, tonumber(tok) } end
  return { 0, -1 }
end
local expires = int(now + lease_ms)
redis.call('HSET', HOLDERS, ref, encode_lease(tok, n, expires, entry, tenant, owner))
redis.call('ZADD', LEASES, expires, ref)
-- A long-running lease keeps its idempotency key alive too.
if redis.call('PTTL', idemp(ref)) < lease_ms then redis.call('PEXPIRE', idemp(ref), int(TTL + lease_ms)) end
return { 1, tonumber(expires) }
