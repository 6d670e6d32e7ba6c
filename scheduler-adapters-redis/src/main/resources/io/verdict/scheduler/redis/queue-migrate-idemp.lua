-- ARGV[4] runId. Upgrade from the layout with one idempotency key per message (<base>idemp:<ref>, a string with a
-- TTL) and a set of refs per run (<base>run:<runId>): moves the run's records into its idempotency hash, with the
-- same values, and keeps the longest remaining TTL. Idempotent; returns how many records moved.
local rk = BASE .. 'run:' .. ARGV[4]
if redis.call('TYPE', rk).ok ~= 'set' then return 0 end
local refs = redis.call('SMEMBERS', rk)
local ik = idemp_of_run(ARGV[4])
local fields, old = {}, {}
local keep = 0
for _, ref in ipairs(refs) do
  local key = BASE .. 'idemp:' .. ref
  if key ~= ik and redis.call('TYPE', key).ok == 'string' then
    fields[#fields + 1] = ref
    fields[#fields + 1] = redis.call('GET', key)
    keep = math.max(keep, redis.call('PTTL', key))
    old[#old + 1] = key
  end
end
if #fields > 0 then
  chunked('HSET', ik, fields)
  keep_alive(ik, math.max(keep, 1000))
  chunked('DEL', nil, old)
end
redis.call('DEL', rk)
return #old
