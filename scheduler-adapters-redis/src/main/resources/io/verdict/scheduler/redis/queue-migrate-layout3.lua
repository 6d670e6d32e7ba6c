-- ARGV[4] runId. Upgrade of one run from layout 2 (messages in the stream, ready-list elements naming stream entries,
-- idempotency values "stream|<deliveries>|<entry>|<len(tenant)>|<tenant>" and
-- "delayed|<deliveries>||<len(tenant)>|<tenant><payload>", a lease per ref in holders as
-- "<token>|<deliveries>|<expires>|<entry>|<len(tenant)>|<tenant><owner>") to layout 3 (queue-common.lua):
--   a ready message gets a generation and a record in its run's ready list, in the list's order (elements that name
--   no waiting message are dropped; waiting messages listed nowhere follow in stream order);
--   a delayed message's value becomes "@<record tail>";
--   a message leased by an old node becomes a renewed lease of this layout (own record in holders, own entry in the
--   leases zset, same token and expiry), so it is reclaimed once its lease expires — or acked, should its holder
--   still be around;
--   its stream entries are deleted.
-- Idempotent (values and records already in layout 3 are left alone); returns how many messages it converted.
local run = ARGV[4]
local ik = idemp_of_run(run)
if redis.call('TYPE', ik).ok ~= 'hash' then return 0 end

local function stream_fields(entry)
  local r = redis.call('XRANGE', STREAM, entry, entry)
  if not r[1] then return nil end
  local f, m = r[1][2], {}
  for j = 1, #f, 2 do m[f[j]] = f[j + 1] end
  return m
end

local function decode_waiting(v)
  local where, n, entry, tl, pos = string.match(v, '^(%a+)|(%d*)|([^|]*)|(%d+)|()')
  if not where then return nil end
  local e = pos + tonumber(tl)
  return where, n, entry, string.sub(v, pos, e - 1), string.sub(v, e)
end

local function decode_old_lease(v)
  if not v then return nil end
  local tok, n, exp, entry, tl, pos = string.match(v, '^(%d+)|(%d+)|(%d+)|([^|]*)|(%d+)|()')
  if not tok then return nil end
  local e = pos + tonumber(tl)
  return tok, n, exp, entry, string.sub(v, pos, e - 1), string.sub(v, e)
end

local flat = redis.call('HGETALL', ik)
local ready_by_entry, entries = {}, {}
local converted = 0
for i = 1, #flat, 2 do
  local ref, v = flat[i], flat[i + 1]
  local where, n, entry, tenant, payload = decode_waiting(v)
  if n == '' then n = '0' end
  if where == 'delayed' then
    redis.call('HSET', ik, ref, '@' .. record_tail(n, tenant, ref, payload))
    converted = converted + 1
  elseif where == 'stream' then
    entries[#entries + 1] = entry
    local f = stream_fields(entry)
    if not f or not f.payload then
      redis.call('HDEL', ik, ref) -- its entry is gone: nothing to hand out (the reconciler re-enqueues from the store)
    else
      local tok, ln, exp, lentry, _, owner = decode_old_lease(redis.call('HGET', HOLDERS, ref))
      if tok and lentry == entry then
        local g = next_g()
        redis.call('HSET', ik, ref, g)
        local before = int(math.max(0, tonumber(ln) - 1))
        redis.call('HSET', HOLDERS, ref, encode_holder(tok, exp, '', owner, g .. record_tail(before, tenant, ref, f.payload)))
        redis.call('ZADD', LEASES, exp, ref)
      else
        ready_by_entry[entry] = { ref, n, tenant, f.payload }
      end
    end
    converted = converted + 1
  end
end

local out, tenants = {}, {}
local function take(entry)
  local r = ready_by_entry[entry]
  if not r then return end
  ready_by_entry[entry] = nil
  local g = next_g()
  redis.call('HSET', ik, r[1], g)
  out[#out + 1] = g .. record_tail(r[2], r[3], r[1], r[4])
  tenants[r[3]] = true
end
for _, e in ipairs(redis.call('LRANGE', ready_list(run), 0, -1)) do
  if string.find(e, '^%d+%-%d+$') then
    take(e) -- a bare entry ID (layout 1)
  elseif (string.byte(e, 1) or 0) >= 128 then
    take((cmsgpack.unpack(e))) -- MessagePack, entry first (layout 2)
  else
    out[#out + 1] = e -- already a record of layout 3
  end
end
local rest = {}
for entry in pairs(ready_by_entry) do rest[#rest + 1] = entry end
local function id_parts(id)
  local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
  return tonumber(ms) or 0, tonumber(seq) or 0
end
table.sort(rest, function(a, b)
  local am, as = id_parts(a)
  local bm, bs = id_parts(b)
  return am < bm or (am == bm and as < bs)
end)
for _, entry in ipairs(rest) do take(entry) end
redis.call('DEL', ready_list(run))
chunked('RPUSH', ready_list(run), out)
for tenant in pairs(tenants) do
  redis.call('ZADD', ready_runs(tenant), 0, run)
  redis.call('ZADD', READY_TENANTS, 0, tenant)
end
if #entries > 0 then
  redis.pcall('XACK', STREAM, GROUP, unpack(entries))
  chunked('XDEL', STREAM, entries)
end
return converted
