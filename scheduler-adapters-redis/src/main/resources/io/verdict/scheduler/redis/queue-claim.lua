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
-- owner's name and answers the IDs it moved, in the order given: an entry deleted meanwhile is left out, and more are
-- picked in its place. Its minimum idle time NEVER is the guard against a second lease: an entry already pending
-- (handed out by any node — listed twice by some accident, or read by an old version's XREADGROUP) is never idle that
-- long, so XCLAIM leaves it with its holder; FORCE ignores the idle time only for entries not yet pending.
-- The message itself comes from the ready-list element; only elements of the earlier layout (a bare entry ID) need
-- the entry's fields, so they are claimed without JUSTID.
local NEVER = '4611686018427387903'
-- The claimed messages, as parallel arrays (no table per message): entry, ref, tenant, payload, deliveries so far.
local e_id, e_ref, e_tenant, e_payload, e_seen = {}, {}, {}, {}, {}
local n = 0
while n < count do
  local picked, picked_runs, picked_tenants = pick_fairly(count - n)
  local np = #picked
  if np == 0 then break end
  local p_id, p_seen, p_tenant, p_ref, p_payload = {}, {}, {}, {}, {}
  local args, na = { 'XCLAIM', STREAM, GROUP, owner, NEVER }, 5
  local legacy, nl = nil, 0
  for x = 1, np do
    local id, seen, tenant, ref, payload = decode_ready(picked[x])
    p_id[x], p_seen[x], p_tenant[x], p_ref[x], p_payload[x] = id, seen, tenant, ref, payload
    if seen then
      na = na + 1
      args[na] = id
    else
      if not legacy then legacy = { 'XCLAIM', STREAM, GROUP, owner, NEVER } end
      nl = nl + 1
      legacy[5 + nl] = id
    end
  end
  local got, fields, failed = nil, nil, false
  if na > 5 then
    args[na + 1] = 'FORCE'
    args[na + 2] = 'JUSTID'
    got = redis.pcall(unpack(args))
    if type(got) == 'table' and got.err then failed = true end
  end
  if not failed and legacy then
    legacy[6 + nl] = 'FORCE'
    local part = redis.pcall(unpack(legacy))
    if type(part) == 'table' and part.err then failed = true else
      fields = {}
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
  -- XCLAIM answers the moved IDs in the order asked, so one pointer walks its reply alongside the picks.
  local j = 1
  for x = 1, np do
    local id = p_id[x]
    if p_seen[x] then
      if got[j] == id then
        j = j + 1
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
if n == 0 then return {} end
local first = redis.call('INCRBY', FENCING, n) - n
local expires = int(now + lease_ms)
local out = { tonumber(expires) }
local hargs, moved = {}, {}
-- A lease value is token|deliveries|expires|entry|len(tenant)|tenant owner; the part after the entry is the same for
-- every message of a tenant in this call.
local mid, tail = '|' .. expires .. '|', {}
for i = 1, n do
  local id, ref, tenant, seen = e_id[i], e_ref[i], e_tenant[i], e_seen[i]
  local deliveries = seen == '0' and '1' or int((tonumber(seen) or 0) + 1)
  local token = first + i
  local t = tail[tenant]
  if not t then
    t = '|' .. #tenant .. '|' .. tenant .. owner
    tail[tenant] = t
  end
  local k = 2 * i
  hargs[k - 1] = ref
  hargs[k] = int(token) .. '|' .. deliveries .. mid .. id .. t
  moved[tenant] = (moved[tenant] or 0) + 1
  local o = 4 * i - 2
  out[o] = e_payload[i]
  out[o + 1] = token
  out[o + 2] = tonumber(deliveries)
  out[o + 3] = id
end
-- One index entry for the whole batch (see LEASE_BATCHES in queue-common.lua), named by its first token.
redis.call('ZADD', LEASE_BATCHES, expires, cmsgpack.pack(int(first + 1), unpack(e_ref, 1, n)))
chunked('HSET', HOLDERS, hargs)
move_backlog('ready', 'leased', moved)
return out
