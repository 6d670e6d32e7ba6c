-- Shared by every queue script (concatenated in front of it).
-- KEYS: 1 stream, 2 delayed zset (ref -> availableAt ms), 3 leases zset (ref -> expiry ms),
--       4 backlog hash ("ready|<tenant>", "delayed|<tenant>", "leased|<tenant>" -> count), 5 fencing counter,
--       6 dead-letter stream
-- ARGV: 1 key base "<prefix>scheduler:<queue>:", 2 consumer group, 3 idempotency TTL ms;
--       script arguments start at ARGV[4].
--
-- Per message, the idempotency key <base>idemp:<ref> is a string holding the message's state:
--   <state>|<deliveries>|<token>|<expires>|<entry>|<tenant length>|<tenant><payload>
-- state is ready, delayed or leased; token and expires are empty unless leased; entry is the stream entry ID
-- (empty while delayed). A string rather than a hash because batches read many of them with one MGET and
-- write each with one SET ... PX: at tens of thousands of messages a second, calls per message are the cost.
-- Every write refreshes the TTL, which is a safety net against leaks, not an expiry of work.
-- Per run: set <base>run:<runId> of its refs still waiting or leased (for purgeRun).
-- Stream entries carry ref, tenant, payload and deliveries so far, so a claim needs no extra read.
local STREAM, DELAYED, LEASES, BACKLOG, FENCING, DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local BASE, GROUP, TTL = ARGV[1], ARGV[2], tonumber(ARGV[3])
local CHUNK = 500 -- Lua's unpack() has a stack limit; variadic commands are sent in chunks

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%d', n)
end

local function idemp(ref)
  return BASE .. 'idemp:' .. ref
end

local function encode(state, deliveries, token, expires, entry, tenant, payload)
  return state .. '|' .. deliveries .. '|' .. token .. '|' .. expires .. '|' .. entry .. '|' .. #tenant .. '|'
    .. tenant .. payload
end

-- Returns state, deliveries, token, expires, entry, tenant, payload; nil for a missing or foreign value.
local function decode(v)
  if not v then return nil end
  local st, n, tok, exp, entry, tl, pos = string.match(v, '^(%a+)|(%d*)|(%d*)|(%d*)|([^|]*)|(%d+)|()')
  if not st then return nil end
  local e = pos + tonumber(tl)
  return st, n, tok, exp, entry, string.sub(v, pos, e - 1), string.sub(v, e)
end

local function put(ref, value, keep_ms)
  redis.call('SET', idemp(ref), value, 'PX', int(keep_ms))
end

local function chunked(cmd, key, list, extra)
  local i = 1
  while i <= #list do
    local j = math.min(i + CHUNK - 1, #list)
    if extra then
      redis.call(cmd, key, extra, unpack(list, i, j))
    elseif key then
      redis.call(cmd, key, unpack(list, i, j))
    else
      redis.call(cmd, unpack(list, i, j))
    end
    i = j + 1
  end
end

local function mget(keys)
  local out = {}
  local i = 1
  while i <= #keys do
    local j = math.min(i + CHUNK - 1, #keys)
    local part = redis.call('MGET', unpack(keys, i, j))
    for x = 1, #part do out[#out + 1] = part[x] end
    i = j + 1
  end
  return out
end

-- Counter changes are gathered per tenant and written once per script call.
local function bump(t, tenant, n)
  t[tenant] = (t[tenant] or 0) + n
end

local function flush_backlog(kind, per_tenant)
  for tenant, n in pairs(per_tenant) do
    if n ~= 0 then redis.call('HINCRBY', BACKLOG, kind .. '|' .. tenant, n) end
  end
end

local function move_backlog(from, to, per_tenant)
  for tenant, n in pairs(per_tenant) do
    redis.call('HINCRBY', BACKLOG, from .. '|' .. tenant, -n)
    redis.call('HINCRBY', BACKLOG, to .. '|' .. tenant, n)
  end
end

local function group_by_run(per_run, run, ref)
  local l = per_run[run]
  if not l then
    l = {}
    per_run[run] = l
  end
  l[#l + 1] = ref
end

local function forget_in_runs(per_run)
  for run, refs in pairs(per_run) do chunked('SREM', BASE .. 'run:' .. run, refs) end
end

local function add_ready(ref, tenant, payload, deliveries)
  return redis.call('XADD', STREAM, '*', 'ref', ref, 'tenant', tenant, 'payload', payload, 'deliveries', deliveries)
end

-- Due delayed messages (retry windows, future availableAt) join the stream, oldest due first.
local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  if #due == 0 then return 0 end
  local keys = {}
  for i, ref in ipairs(due) do keys[i] = idemp(ref) end
  local values = mget(keys)
  local moved = {}
  for i, ref in ipairs(due) do
    local st, n, _, _, _, tenant, payload = decode(values[i])
    if st == 'delayed' then
      local id = add_ready(ref, tenant, payload, n)
      put(ref, encode('ready', n, '', '', id, tenant, payload), TTL)
      bump(moved, tenant, 1)
    end
  end
  chunked('ZREM', DELAYED, due)
  move_backlog('delayed', 'ready', moved)
  return #due
end

-- Leases whose expiry (Redis time) has passed: the message goes back to the tail of the stream as a new entry,
-- so the next XREADGROUP of any live worker hands it out again; the old entry leaves the pending list.
local function reclaim(now, limit)
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)
  if #expired == 0 then return 0 end
  local keys = {}
  for i, ref in ipairs(expired) do keys[i] = idemp(ref) end
  local values = mget(keys)
  local old, back = {}, {}
  for i, ref in ipairs(expired) do
    local st, n, _, _, entry, tenant, payload = decode(values[i])
    if st == 'leased' then
      old[#old + 1] = entry
      local id = add_ready(ref, tenant, payload, n)
      put(ref, encode('ready', n, '', '', id, tenant, payload), TTL)
      bump(back, tenant, 1)
    end
  end
  chunked('ZREM', LEASES, expired)
  if #old > 0 then
    chunked('XACK', STREAM, old, GROUP)
    chunked('XDEL', STREAM, old)
  end
  move_backlog('leased', 'ready', back)
  return #expired
end

-- The decoded state of a ref when it is still leased under this fencing token, else nil.
local function held(ref, token)
  local st, n, tok, exp, entry, tenant, payload = decode(redis.call('GET', idemp(ref)))
  if st == 'leased' and tok == token then return { n, tok, exp, entry, tenant, payload } end
  return nil
end
