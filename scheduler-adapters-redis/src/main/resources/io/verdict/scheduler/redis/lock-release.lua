-- KEYS[1] lock key; ARGV[1] the value the holder stored. Deletes only the holder's own lock.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
