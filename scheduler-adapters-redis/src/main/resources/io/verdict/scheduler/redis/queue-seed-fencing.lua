-- ARGV[4] floor: the highest fencing token the store already holds.
-- Raises the token counter to at least the floor (never lowers it); returns the counter afterwards.
local floor = tonumber(ARGV[4])
local current = tonumber(redis.call('GET', FENCING) or '0')
if floor > current then
  redis.call('SET', FENCING, string.format('%d', floor))
  return floor
end
if redis.call('EXISTS', FENCING) == 0 then redis.call('SET', FENCING, '0') end
return current
