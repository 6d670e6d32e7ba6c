-- ARGV[3] owner (consumer name), ARGV[4] lease ms, ARGV[5] max messages, ARGV[6] housekeeping limit.
-- Returns {expiresAt, payload1, token1, deliveries1, entry1, payload2, ...}; {} when nothing is ready.
local now = now_ms()
local owner, lease_ms, count, limit = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
promote(now, limit)
reclaim(now, limit)
local res = redis.call('XREADGROUP', 'GROUP', GROUP, owner, 'COUNT', count, 'STREAMS', STREAM, '>')
if not res then return {} end
local entries = res[1][2]
local n = #entries
if n == 0 then return {} end
local first = redis.call('INCRBY', FENCING, n) - n
local expires = now + lease_ms
local out = { expires }
local leases, moved = {}, {}
for i, e in ipairs(entries) do
  local id, f = e[1], e[2]
  local ref, tenant, payload
  for j = 1, #f, 2 do
    if f[j] == 'ref' then ref = f[j + 1] elseif f[j] == 'tenant' then tenant = f[j + 1] elseif f[j] == 'payload' then payload = f[j + 1] end
  end
  local k = idemp(ref)
  local token = first + i
  local deliveries = redis.call('HINCRBY', k, 'deliveries', 1)
  -- tenant and payload are written again so a key lost to its TTL is rebuilt from the stream entry.
  redis.call('HSET', k, 'state', 'leased', 'entry', id, 'owner', owner, 'token', int(token), 'expires', int(expires),
    'tenant', tenant, 'payload', payload)
  leases[#leases + 1] = int(expires)
  leases[#leases + 1] = ref
  bump(moved, tenant, 1)
  out[#out + 1] = payload
  out[#out + 1] = token
  out[#out + 1] = deliveries
  out[#out + 1] = id
end
local i = 1
while i <= #leases do
  local j = math.min(i + CHUNK - 1, #leases)
  redis.call('ZADD', LEASES, unpack(leases, i, j))
  i = j + 1
end
for tenant, m in pairs(moved) do
  redis.call('HINCRBY', BACKLOG, 'ready|' .. tenant, -m)
  redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, m)
end
return out
