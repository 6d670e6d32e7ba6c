-- KEYS[1] lock fencing counter; ARGV[1] floor (the highest lock token already issued). Raises the counter to at
-- least the floor, creating it when missing; never lowers it. Returns the counter afterwards.
local floor = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if floor > current then
  redis.call('SET', KEYS[1], string.format('%d', floor))
  return floor
end
return current
