-- ARGV[3] ref, ARGV[4] token, ARGV[5] lease ms. Returns {1, expiresAt} or {0, currentToken or -1}.
local now = now_ms()
local ref, token = ARGV[3], ARGV[4]
local k = idemp(ref)
local h = redis.call('HMGET', k, 'state', 'token', 'expires')
if h[1] ~= 'leased' or h[2] ~= token or tonumber(h[3]) < now then
  if h[1] == 'leased' and h[2] then return { 0, tonumber(h[2]) } end
  return { 0, -1 }
end
local expires = now + tonumber(ARGV[5])
redis.call('HSET', k, 'expires', int(expires))
redis.call('ZADD', LEASES, int(expires), ref)
return { 1, expires }
