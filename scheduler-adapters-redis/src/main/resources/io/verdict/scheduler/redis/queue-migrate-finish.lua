-- The end of the upgrade to layout 3, after queue-migrate-layout3.lua ran for every run: drops what only layout 2
-- used — the lease-batches members naming refs (MessagePack; every lease they indexed now has its own entry in the
-- leases zset), holders values of that layout (leases whose message was gone), the stream with its consumer group —
-- and marks the queue as layout 3 (so later starts skip the upgrade).
for _, m in ipairs(redis.call('ZRANGE', LEASE_BATCHES, 0, -1)) do
  if not string.match(m, '^%d+$') then redis.call('ZREM', LEASE_BATCHES, m) end
end
local h = redis.call('HGETALL', HOLDERS)
for i = 1, #h, 2 do
  if string.byte(h[i + 1], 1) ~= 76 then redis.call('HDEL', HOLDERS, h[i]) end -- not 'L'
end
redis.call('DEL', STREAM)
redis.call('SET', BASE .. 'fair', '1')
redis.call('SET', BASE .. 'layout', ARGV[4])
return 1
