-- Shared by every queue script (concatenated in front of it).
-- KEYS: 1 stream, 2 delayed zset (ref -> availableAt ms), 3 leases zset (ref -> expiry ms),
--       4 backlog hash ("ready|<tenant>", "delayed|<tenant>", "leased|<tenant>" -> count), 5 fencing counter,
--       6 dead-letter stream
-- ARGV: 1 key base "<prefix>scheduler:<queue>:", 2 consumer group; script arguments start at ARGV[3].
-- Per message: hash <base>idemp:<ref> {state ready|delayed|leased, entry, tenant, payload, deliveries,
-- owner, token, expires}; per run: set <base>run:<runId> of its refs still waiting or leased.
local STREAM, DELAYED, LEASES, BACKLOG, FENCING, DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local BASE, GROUP = ARGV[1], ARGV[2]
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

-- A ref is "<runId>#<index>"; the run is everything before the last '#'.
local function run_of(ref)
  return string.match(ref, '^(.*)#%-?%d+$')
end

local function chunked(cmd, key, list, extra)
  local i = 1
  while i <= #list do
    local j = math.min(i + CHUNK - 1, #list)
    if extra then
      redis.call(cmd, key, extra, unpack(list, i, j))
    else
      redis.call(cmd, key, unpack(list, i, j))
    end
    i = j + 1
  end
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

local function group_by_run(per_run, ref)
  local run = run_of(ref)
  if run then
    local l = per_run[run]
    if not l then
      l = {}
      per_run[run] = l
    end
    l[#l + 1] = ref
  end
end

local function forget_in_runs(per_run)
  for run, refs in pairs(per_run) do chunked('SREM', BASE .. 'run:' .. run, refs) end
end

local function add_ready(ref, tenant, payload)
  return redis.call('XADD', STREAM, '*', 'ref', ref, 'tenant', tenant, 'payload', payload)
end

-- Due delayed messages (retry windows, future availableAt) join the stream, oldest due first.
local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  if #due == 0 then return 0 end
  local moved = {}
  for _, ref in ipairs(due) do
    local k = idemp(ref)
    local h = redis.call('HMGET', k, 'tenant', 'payload', 'state')
    if h[1] and h[3] == 'delayed' then
      local id = add_ready(ref, h[1], h[2])
      redis.call('HSET', k, 'state', 'ready', 'entry', id)
      bump(moved, h[1], 1)
    end
  end
  chunked('ZREM', DELAYED, due)
  for tenant, n in pairs(moved) do
    redis.call('HINCRBY', BACKLOG, 'delayed|' .. tenant, -n)
    redis.call('HINCRBY', BACKLOG, 'ready|' .. tenant, n)
  end
  return #due
end

-- Leases whose expiry (Redis time) has passed: the message goes back to the tail of the stream as a new entry,
-- so the next XREADGROUP of any live worker hands it out again; the old entry leaves the pending list.
local function reclaim(now, limit)
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)
  if #expired == 0 then return 0 end
  local old, back = {}, {}
  for _, ref in ipairs(expired) do
    local k = idemp(ref)
    local h = redis.call('HMGET', k, 'tenant', 'payload', 'entry', 'state')
    if h[1] and h[4] == 'leased' then
      old[#old + 1] = h[3]
      local id = add_ready(ref, h[1], h[2])
      redis.call('HSET', k, 'state', 'ready', 'entry', id)
      redis.call('HDEL', k, 'owner', 'token', 'expires')
      bump(back, h[1], 1)
    end
  end
  chunked('ZREM', LEASES, expired)
  if #old > 0 then
    chunked('XACK', STREAM, old, GROUP)
    chunked('XDEL', STREAM, old)
  end
  for tenant, n in pairs(back) do
    redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -n)
    redis.call('HINCRBY', BACKLOG, 'ready|' .. tenant, n)
  end
  return #expired
end

-- The stored lease of a ref when it is still held under this fencing token, else nil.
local function held(ref, token)
  local h = redis.call('HMGET', idemp(ref), 'state', 'token', 'entry', 'tenant', 'payload', 'deliveries', 'expires')
  if h[1] == 'leased' and h[2] == token then return h end
  return nil
end
