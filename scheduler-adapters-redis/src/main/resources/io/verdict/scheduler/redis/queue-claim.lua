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
-- XCLAIM … FORCE JUSTID puts the picked entries (never delivered to the group) into its pending list under the
-- owner's name and answers the IDs it moved: an entry deleted meanwhile is left out, and more are picked in its
-- place. The message itself comes from the ready-list element; only elements of the earlier layout (a bare entry
-- ID) need the entry's fields, so they are claimed without JUSTID.
local entries = {} -- { entry, ref, tenant, payload, deliveries so far }
while #entries < count do
  local picked, picked_from = pick_fairly(count - #entries)
  if #picked == 0 then break end
  local decoded, ids, legacy = {}, {}, {}
  for x, v in ipairs(picked) do
    local d = { decode_ready(v) }
    decoded[x] = d
    if d[2] then ids[#ids + 1] = d[1] else legacy[#legacy + 1] = d[1] end
  end
  local moved, fields, failed = {}, {}, false
  if #ids > 0 then
    local args = { 'XCLAIM', STREAM, GROUP, owner, '0' }
    for _, id in ipairs(ids) do args[#args + 1] = id end
    args[#args + 1] = 'FORCE'
    args[#args + 1] = 'JUSTID'
    local part = redis.pcall(unpack(args))
    if type(part) == 'table' and part.err then failed = true else
      for _, id in ipairs(part) do moved[id] = true end
    end
  end
  if not failed and #legacy > 0 then
    local args = { 'XCLAIM', STREAM, GROUP, owner, '0' }
    for _, id in ipairs(legacy) do args[#args + 1] = id end
    args[#args + 1] = 'FORCE'
    local part = redis.pcall(unpack(args))
    if type(part) == 'table' and part.err then failed = true else
      for _, e in ipairs(part) do
        if e and e[2] then
          local f, m = e[2], {}
          for j = 1, #f, 2 do m[f[j]] = f[j + 1] end
          fields[e[1]] = m
        end
      end
    end
  end
  if failed then
    -- No group (the stream was deleted and re-created by an enqueue): put these picks back and let the caller
    -- recreate the group, as after a data loss. (A script error would not roll back the pops.)
    unpick(picked, picked_from)
    if #entries == 0 then return { -1 } end
    break
  end
  for _, d in ipairs(decoded) do
    local id = d[1]
    if d[2] then
      if moved[id] then entries[#entries + 1] = { id, d[4], d[3], d[5], d[2] } end
    else
      local m = fields[id]
      if m and m.ref then entries[#entries + 1] = { id, m.ref, m.tenant, m.payload, m.deliveries } end
    end
  end
end
-- Never a second lease: an entry whose message is already held (listed twice by some accident) is not handed out.
if #entries > 0 then
  local refs = {}
  for x, e in ipairs(entries) do refs[x] = e[2] end
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
  local id, ref, tenant, payload, seen = e[1], e[2], e[3], e[4], e[5]
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
