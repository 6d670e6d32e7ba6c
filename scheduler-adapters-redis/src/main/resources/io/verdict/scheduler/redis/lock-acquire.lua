-- KEYS[1] lock key, KEYS[2] fencing counter; ARGV[1] owner as a JSON string, ARGV[2] ttl ms.
-- Returns {token, expiresAt ms} or {} when the lock is held.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local token = redis.call('INCR', KEYS[2])
local value = '{"owner":' .. ARGV[1] .. ',"token":' .. string.format('%d', token) .. '}'
if not redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then return {} end
return { token, now + tonumber(ARGV[2]) }
