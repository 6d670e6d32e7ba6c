-- ARGV[4] promote limit. Promotes due delayed messages (so "ready" means claimable now), then returns the backlog.
local now = now_ms()
local limit = tonumber(ARGV[4])
while promote(now, limit) == limit do end
return redis.call('HGETALL', BACKLOG)
