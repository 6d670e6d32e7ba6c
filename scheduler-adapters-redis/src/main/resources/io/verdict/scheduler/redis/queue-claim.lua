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
-- The claimed messages, as parallel arrays (no table per message): entry, ref, tenant, payload, deliveries so far.
local e_id, e_ref, e_tenant, e_payload, e_seen = {}, {}, {}, {}, {}
local n = 0
while n < count do
  local picked, picked_runs, picked_tenants = pick_fairly(count - n)
  if #picked == 0 then break end
  local p_id, p_seen, p_tenant, p_ref, p_payload = {}, {}, {}, {}, {}
  local ids, legacy = {}, {}
  for x, v in ipairs(picked) do
    local id, seen, tenant, ref, payload = decode_ready(v)
    p_id[x], p_seen[x], p_tenant[x], p_ref[x], p_payload[x] = id, seen, tenant, ref, payload
    if seen then ids[#ids + 1] = id else legacy[#legacy + 1] = id end
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
    unpick(picked, picked_runs, picked_tenants)
    if n == 0 then return { -1 } end
    break
  end
  for x = 1, #picked do
    local id = p_id[x]
    if p_seen[x] then
      if moved[id] then
        n = n + 1
        e_id[n], e_ref[n], e_tenant[n], e_payload[n], e_seen[n] = id, p_ref[x], p_tenant[x], p_payload[x], p_seen[x]
      end
    else
      local m = fields[id]
      if m and m.ref then
        n = n + 1
        e_id[n], e_ref[n], e_tenant[n], e_payload[n], e_seen[n] = id, m.ref, m.tenant, m.payload, m.deliveries
      end
    end
  end
end
-- Never a second lease: an entry whose message is already held (listed twice by some accident) is not handed out.
local free = {}
if n > 0 then
  local holding = read_many('HMGET', HOLDERS, e_ref)
  for x = 1, n do
    if not holding[x] then free[#free + 1] = x end
  end
end
if #free == 0 then return {} end
local first = redis.call('INCRBY', FENCING, #free) - #free
local expires = int(now + lease_ms)
local out = { tonumber(expires) }
local zargs, hargs, moved = {}, {}, {}
for i, x in ipairs(free) do
  local id, ref, tenant = e_id[x], e_ref[x], e_tenant[x]
  local deliveries = int((tonumber(e_seen[x]) or 0) + 1)
  local token = int(first + i)
  zargs[#zargs + 1] = expires
  zargs[#zargs + 1] = ref
  hargs[#hargs + 1] = ref
  hargs[#hargs + 1] = encode_lease(token, deliveries, expires, id, tenant, owner)
  bump(moved, tenant, 1)
  out[#out + 1] = e_payload[x]
  out[#out + 1] = tonumber(token)
  out[#out + 1] = tonumber(deliveries)
  out[#out + 1] = id
end
chunked('ZADD', LEASES, zargs)
chunked('HSET', HOLDERS, hargs)
move_backlog('ready', 'leased', moved)
return out
