-- KEYS[1] lock key, KEYS[2] fencing counter; ARGV[1] owner as a JSON string, ARGV[2] ttl ms.
-- Returns {token, expiresAt ms}, {} when the lock is held, or {-1} when the counter is missing: Redis lost its data
-- (FLUSHALL, an empty replica), and counting from 1 again would hand out tokens below those already issued, so the
-- caller seeds it first (lock-seed-fencing.lua).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
if redis.call('EXISTS', KEYS[2]) == 0 then return { -1 } end
local token = redis.call('INCR', KEYS[2])
local value = '{"owner":' .. ARGV[1] .. ',"token":' .. string.format('%d', token) .. '}'
if not redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then return {} end
return { token, now + tonumber(ARGV[2]) }
