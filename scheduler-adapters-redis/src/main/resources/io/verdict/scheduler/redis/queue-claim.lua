-- ARGV[4] owner (consumer name), ARGV[5] lease ms, ARGV[6] max messages, ARGV[7] housekeeping limit.
-- Claims fairly (pick_fairly in queue-common.lua): round-robin across tenants, then runs, oldest first in a run.
-- Returns {expiresAt, payload1, token1, deliveries1, entry1, payload2, ...}; {} when nothing is ready.
-- A missing token counter means Redis lost its data (FLUSHALL, an empty replica, a restart without persistence):
-- handing out tokens from 1 again would make every worker write look stale. Ask the caller to seed it first.
if redis.call('EXISTS', FENCING) == 0 then return { -1 } end
local now = now_ms()
local owner, lease_ms, count, limit = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
promote(now, limit)
reclaim(now, limit)
-- FORCE puts the picked entries (never delivered to the group) into its pending list under the owner's name, and
-- returns them with their fields; an entry deleted meanwhile is left out, and more are picked in its place.
local entries = {}
while #entries < count do
  local picked, picked_from = pick_fairly(count - #entries)
  if #picked == 0 then break end
  local args = { 'XCLAIM', STREAM, GROUP, owner, '0' }
  for x = 1, #picked do args[#args + 1] = picked[x] end
  args[#args + 1] = 'FORCE'
  local part = redis.pcall(unpack(args))
  if type(part) == 'table' and part.err then
    -- No group (the stream was deleted and re-created by an enqueue): put these picks back and let the caller
    -- recreate the group, as after a data loss. (A script error would not roll back the pops.)
    unpick(picked, picked_from)
    if #entries == 0 then return { -1 } end
    break
  end
  for x = 1, #part do
    if part[x] and part[x][2] then entries[#entries + 1] = part[x] end
  end
end
-- Never a second lease: an entry whose message is already held (listed twice by some accident) is not handed out.
if #entries > 0 then
  local refs = {}
  for x, e in ipairs(entries) do
    local f = e[2]
    for j = 1, #f, 2 do
      if f[j] == 'ref' then refs[x] = f[j + 1] break end
    end
    refs[x] = refs[x] or ''
  end
  local holding = read_many('HMGET', HOLDERS, refs)
  local free = {}
  for x, e in ipairs(entries) do
    if not holding[x] then free[#free + 1] = e end
  end
  entries = free
end
local n = #entries
if n == 0 then return {} end
local first = redis.call('INCRBY', FENCING, n) - n
local expires = int(now + lease_ms)
local out = { tonumber(expires) }
local zargs, hargs, moved = {}, {}, {}
for i, e in ipairs(entries) do
  local id, f = e[1], e[2]
  -- Fields in the order add_ready() writes them: ref, tenant, payload, deliveries.
  local ref, tenant, payload, seen = f[2], f[4], f[6], f[8]
  if f[1] ~= 'ref' or f[3] ~= 'tenant' or f[5] ~= 'payload' or f[7] ~= 'deliveries' then
    for j = 1, #f, 2 do
      if f[j] == 'ref' then ref = f[j + 1] elseif f[j] == 'tenant' then tenant = f[j + 1]
      elseif f[j] == 'payload' then payload = f[j + 1] elseif f[j] == 'deliveries' then seen = f[j + 1] end
    end
  end
  local deliveries = int((tonumber(seen) or 0) + 1)
  local token = int(first + i)
  zargs[#zargs + 1] = expires
  zargs[#zargs + 1] = ref
  hargs[#hargs + 1] = ref
  hargs[#hargs + 1] = encode_lease(token, deliveries, expires, id, tenant, owner)
  bump(moved, tenant, 1)
  out[#out + 1] = payload
  out[#out + 1] = tonumber(token)
  out[#out + 1] = tonumber(deliveries)
  out[#out + 1] = id
end
chunked('ZADD', LEASES, zargs)
chunked('HSET', HOLDERS, hargs)
move_backlog('ready', 'leased', moved)
return out
