-- ARGV[4] ref, ARGV[5] token, ARGV[6] lease ms. Returns {1, expiresAt} or {0, currentToken or -1}.
local now = now_ms()
local ref, token, lease_ms = ARGV[4], ARGV[5], tonumber(ARGV[6])
local st, n, tok, exp, entry, tenant, payload = decode(redis.call('GET', idemp(ref)))
if st ~= 'leased' or tok ~= token or tonumber(exp) < now then
  if st == 'leased' then return { 0, tonumber(tok) } end
  return { 0, -1 }
end
local expires = int(now + lease_ms)
put(ref, encode('leased', n, tok, expires, entry, tenant, payload), TTL + lease_ms)
redis.call('ZADD', LEASES, expires, ref)
return { 1, tonumber(expires) }
