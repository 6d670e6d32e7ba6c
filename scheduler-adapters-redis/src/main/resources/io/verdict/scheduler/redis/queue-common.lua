-- Shared by every queue script (concatenated in front of it).
-- KEYS: 1 stream, 2 delayed zset (ref -> availableAt ms), 3 leases zset (ref -> expiry ms),
--       4 holders hash (ref -> lease), 5 backlog hash ("ready|<tenant>", "delayed|<tenant>", "leased|<tenant>"),
--       6 fencing counter, 7 dead-letter stream
-- ARGV: 1 key base "<prefix>scheduler:<queue>:", 2 consumer group, 3 idempotency TTL ms;
--       script arguments start at ARGV[4].
--
-- Per run, the idempotency hash <base>idemp:<runId> has one field per waiting or leased message of the run (field =
-- the ref "<runId>#<index>"), saying where it lives:
--   stream|<deliveries>|<entry>|<tenant length>|<tenant>              (ready, or leased when in holders; the
--                                                                      payload is in the stream entry)
--   delayed|<deliveries>||<tenant length>|<tenant><payload>           (in the delayed zset)
-- One hash per run rather than one key per message: a batch writes it with one HSET, an ack clears it with one HDEL,
-- and its keys are the run's refs (for purgeRun). Its TTL (idempotency TTL past the longest wait it holds, only ever
-- extended) is a safety net against leaks, not an expiry of work.
-- A lease is one field of the holders hash: <token>|<deliveries>|<expires>|<entry>|<tenant length>|<tenant><owner>.
-- Claims and acks touch only the stream, the holders hash, the run's idempotency hash, the ready lists and the zsets,
-- with variadic calls: at tens of thousands of messages a second, calls per message are the cost.
-- Stream entries carry ref, tenant, payload and deliveries so far.
local STREAM, DELAYED, LEASES, HOLDERS, BACKLOG, FENCING, DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local BASE, GROUP, TTL = ARGV[1], ARGV[2], tonumber(ARGV[3])
local CHUNK = 500 -- Lua's unpack() has a stack limit; variadic commands are sent in chunks

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%d', n)
end

local function run_of(ref)
  return string.match(ref, '^(.*)#%d+$') or ref
end

-- The idempotency hash of a run.
local function idemp_of_run(run)
  return BASE .. 'idemp:' .. run
end

local function idemp(ref)
  return idemp_of_run(run_of(ref))
end

-- Extends a run's idempotency hash to live at least keep_ms (never shortens it).
local function keep_alive(key, keep_ms)
  if redis.call('PTTL', key) < keep_ms then redis.call('PEXPIRE', key, string.format('%d', keep_ms)) end
end

-- Idempotency value: where, deliveries, entry, tenant, payload.
local function encode_waiting(where, deliveries, entry, tenant, payload)
  return where .. '|' .. deliveries .. '|' .. entry .. '|' .. #tenant .. '|' .. tenant .. payload
end

local function decode_waiting(v)
  if not v then return nil end
  local where, n, entry, tl, pos = string.match(v, '^(%a+)|(%d*)|([^|]*)|(%d+)|()')
  if not where then return nil end
  local e = pos + tonumber(tl)
  return where, n, entry, string.sub(v, pos, e - 1), string.sub(v, e)
end

-- Lease value: token, deliveries, expires, entry, tenant, owner.
local function encode_lease(token, deliveries, expires, entry, tenant, owner)
  return token .. '|' .. deliveries .. '|' .. expires .. '|' .. entry .. '|' .. #tenant .. '|' .. tenant .. owner
end

local function decode_lease(v)
  if not v then return nil end
  local tok, n, exp, entry, tl, pos = string.match(v, '^(%d+)|(%d+)|(%d+)|([^|]*)|(%d+)|()')
  if not tok then return nil end
  local e = pos + tonumber(tl)
  return tok, n, exp, entry, string.sub(v, pos, e - 1), string.sub(v, e)
end

local function put_waiting(ref, value, keep_ms)
  local key = idemp(ref)
  redis.call('HSET', key, ref, value)
  keep_alive(key, keep_ms)
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

-- Variadic reads in chunks, results concatenated: MGET keys, or HMGET hash fields.
local function read_many(cmd, key, list)
  if #list == 0 then return {} end
  if #list <= CHUNK then -- one call: its reply as is, no copy
    if key then return redis.call(cmd, key, unpack(list)) end
    return redis.call(cmd, unpack(list))
  end
  local out = {}
  local i = 1
  while i <= #list do
    local j = math.min(i + CHUNK - 1, #list)
    local part
    if key then part = redis.call(cmd, key, unpack(list, i, j)) else part = redis.call(cmd, unpack(list, i, j)) end
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

-- Deletes the idempotency fields of refs grouped per run.
local function forget_in_runs(per_run)
  for run, refs in pairs(per_run) do chunked('HDEL', idemp_of_run(run), refs) end
end

-- Fair share. Ready stream entries are also listed per run, oldest first (list <base>ready:<runId>); an element is
-- the MessagePack sequence entry, deliveries, tenant, ref, payload (five strings, cmsgpack.pack), so a claim pops what
-- it hands out without reading the stream, and decodes it in C (Lua pattern matching and string.sub cost more here
-- than the Redis commands). Elements of the earlier layout are a bare entry ID and are still understood. A run with ready
-- entries is a member of <base>ready-runs:<tenant>, a tenant with such runs a member of <base>ready-tenants (both
-- zsets with score 0, so ordered by name). Claims walk them round-robin from the cursor hash <base>cursor (field
-- "tenant": tenant served last; "run|<tenant>": that tenant's run served last). Empty runs and tenants leave the
-- zsets lazily, when a claim finds them empty.
local READY_TENANTS, CURSOR = BASE .. 'ready-tenants', BASE .. 'cursor'

local function ready_list(run)
  return BASE .. 'ready:' .. run
end

local function ready_runs(tenant)
  return BASE .. 'ready-runs:' .. tenant
end

local function ready_element(entry, deliveries, tenant, ref, payload)
  return cmsgpack.pack(entry, deliveries, tenant, ref, payload)
end

-- entry, deliveries, tenant, ref, payload; or just the entry for an element of the earlier layout (a stream ID
-- starts with a digit, a MessagePack string never does).
local function decode_ready(v)
  local b = string.byte(v, 1)
  if b and b >= 48 and b <= 57 then return v end
  return cmsgpack.unpack(v)
end

local marked = {} -- runs already registered in the zsets by this script call
local pending_ready = {} -- run -> elements to append, written by flush_ready() with one RPUSH per run
local pending_runs = {} -- runs in the order they were first buffered
-- Set by the first ready message this layout lists, so queue-adopt.lua knows the stream has no entries of a version
-- without fair share left to adopt.
local FAIR_MARK = BASE .. 'fair'
local fair_marked = false

-- Appends the message to the stream; its ready-list element is buffered until flush_ready(). `run` may be nil (it is
-- then derived from the ref; callers that know it pass it, a pattern match per message costs).
local function add_ready(ref, tenant, payload, deliveries, run)
  local id = redis.call('XADD', STREAM, '*', 'ref', ref, 'tenant', tenant, 'payload', payload, 'deliveries', deliveries)
  run = run or run_of(ref)
  local l = pending_ready[run]
  if not l then
    l = { n = 0 }
    pending_ready[run] = l
    pending_runs[#pending_runs + 1] = run
  end
  local n = l.n + 1
  l.n = n
  l[n] = ready_element(id, deliveries, tenant, ref, payload)
  if not fair_marked then
    fair_marked = true
    redis.call('SET', FAIR_MARK, '1')
  end
  if not marked[run] then
    marked[run] = true
    redis.call('ZADD', ready_runs(tenant), 0, run)
    redis.call('ZADD', READY_TENANTS, 0, tenant)
  end
  return id
end

-- Writes the buffered ready-list elements (every script that calls add_ready calls this before it picks or ends).
local function flush_ready()
  for _, run in ipairs(pending_runs) do
    local l = pending_ready[run]
    l.n = nil
    chunked('RPUSH', ready_list(run), l)
  end
  pending_ready, pending_runs = {}, {}
end

-- Up to `limit` members of a name-ordered zset after `last` (exclusive), wrapping to the start; `complete` when
-- that is every member exactly once (so the caller may cycle through it), else a prefix of the ring.
local function ring(key, last, limit)
  local out
  if last then
    out = redis.call('ZRANGEBYLEX', key, '(' .. last, '+', 'LIMIT', 0, limit)
  else
    out = redis.call('ZRANGEBYLEX', key, '-', '+', 'LIMIT', 0, limit)
  end
  if #out >= limit then return out, false end
  if last then
    local wrap = redis.call('ZRANGEBYLEX', key, '-', '[' .. last, 'LIMIT', 0, limit - #out)
    for _, m in ipairs(wrap) do out[#out + 1] = m end
    if #out >= limit then return out, false end
  end
  return out, true
end

-- Up to `count` ready elements, round-robin: the tenant after the one served last, within it the run after the one
-- it was served last, the oldest entry of that run; advances the cursor. The same order as popping one entry per
-- step, but each tenant's and run's order is read once per call, each run's length once (LLEN), and each run's
-- picks leave it with one LPOP <count>: a batch costs calls per tenant and run, not per message.
local function pick_fairly(count)
  local limit = math.max(count, 32) -- members read per ZRANGEBYLEX
  local last_tenant = redis.call('HGET', CURSOR, 'tenant') or nil
  local left, take = {}, {} -- run -> ready entries not yet taken; run -> entries taken by this call
  local runs_of = {} -- tenant -> { runs, complete, pos, last, served }
  local order_run, order_tenant = {}, {} -- picks in order

  local function remaining(run)
    local n = left[run]
    if n == nil then
      n = redis.call('LLEN', ready_list(run))
      left[run] = n
    end
    return n
  end

  -- The tenant's next run with a ready entry (dropping drained ones from its zset), or nil when it has none.
  local function next_run(tenant)
    local st = runs_of[tenant]
    if not st then
      local key = ready_runs(tenant)
      local last = redis.call('HGET', CURSOR, 'run|' .. tenant) or nil
      local runs, complete = ring(key, last, limit)
      st = { runs = runs, complete = complete, pos = 1, last = last, served = false, key = key }
      runs_of[tenant] = st
    end
    local key = st.key -- built once per tenant and call: a string built per pick costs
    while true do
      if st.pos > #st.runs then
        if not st.complete then st.runs, st.complete = ring(key, st.last, limit) end
        if #st.runs == 0 then return nil end
        st.pos = 1
      end
      local run = st.runs[st.pos]
      if remaining(run) > 0 then
        st.pos = st.pos + 1
        st.last = run
        st.served = true
        return run
      end
      redis.call('ZREM', key, run) -- drained: drop it, try the tenant's next run
      table.remove(st.runs, st.pos)
    end
  end

  local tenants, complete = ring(READY_TENANTS, last_tenant, limit)
  local ti = 1
  local picks = 0
  while picks < count do
    if ti > #tenants then
      -- Past the end of what was read: cycle when that was every tenant, else read on from the last one served.
      if not complete then tenants, complete = ring(READY_TENANTS, last_tenant, limit) end
      if #tenants == 0 then break end
      ti = 1
    end
    local tenant = tenants[ti]
    local run = next_run(tenant)
    if run then
      left[run] = left[run] - 1
      take[run] = (take[run] or 0) + 1
      picks = picks + 1
      order_run[picks] = run
      order_tenant[picks] = tenant
      last_tenant = tenant
      ti = ti + 1
    else
      redis.call('ZREM', READY_TENANTS, tenant) -- no ready run left: drop it, try the next tenant
      table.remove(tenants, ti)
    end
  end
  if picks == 0 then return {}, {}, {} end

  local popped, at = {}, {}
  for run, n in pairs(take) do
    popped[run] = redis.call('LPOP', ready_list(run), n)
    at[run] = 0
  end
  local picked = {}
  for x = 1, picks do
    local run = order_run[x]
    at[run] = at[run] + 1
    picked[x] = popped[run][at[run]]
  end
  local h = { 'tenant', last_tenant }
  for t, st in pairs(runs_of) do
    if st.served then
      h[#h + 1] = 'run|' .. t
      h[#h + 1] = st.last
    end
  end
  redis.call('HSET', CURSOR, unpack(h))
  return picked, order_run, order_tenant
end

-- Undoes pick_fairly's pops (a script error does not roll back the writes made before it): each picked element goes
-- back to the front of its run's list, run and tenant back into the ready zsets.
local function unpick(picked, runs, tenants)
  for x = #picked, 1, -1 do
    local run, tenant = runs[x], tenants[x]
    redis.call('LPUSH', ready_list(run), picked[x])
    redis.call('ZADD', ready_runs(tenant), 0, run)
    redis.call('ZADD', READY_TENANTS, 0, tenant)
  end
end

-- The payload of a pending stream entry (the stream, not the idempotency key, is authoritative while leased).
local function payload_of(entry)
  local r = redis.call('XRANGE', STREAM, entry, entry)
  if not r[1] then return nil end
  local f = r[1][2]
  for j = 1, #f, 2 do
    if f[j] == 'payload' then return f[j + 1] end
  end
  return nil
end

-- Puts a message back in the stream's tail (or the delayed set) with a fresh idempotency record.
local function requeue(ref, tenant, payload, deliveries, at, now)
  if at <= now then
    local id = add_ready(ref, tenant, payload, deliveries)
    put_waiting(ref, encode_waiting('stream', deliveries, id, tenant, ''), TTL)
    return 'ready'
  end
  redis.call('ZADD', DELAYED, int(at), ref)
  put_waiting(ref, encode_waiting('delayed', deliveries, '', tenant, payload), TTL + (at - now))
  return 'delayed'
end

-- Due delayed messages (retry windows, future availableAt) join the stream, oldest due first.
local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  if #due == 0 then return 0 end
  local moved = {}
  for _, ref in ipairs(due) do
    local where, n, _, tenant, payload = decode_waiting(redis.call('HGET', idemp(ref), ref))
    if where == 'delayed' then
      requeue(ref, tenant, payload, n, now, now)
      bump(moved, tenant, 1)
    end
  end
  flush_ready()
  chunked('ZREM', DELAYED, due)
  move_backlog('delayed', 'ready', moved)
  return #due
end

-- Lease expiry index. A claim call indexes its whole batch with one member of <base>lease-batches (score: the expiry
-- it gave them all; member: cmsgpack.pack(first token, ref1, ref2, …)), rather than one member per message in the
-- leases zset: at tens of thousands of claims a second a ZADD and a ZREM per message cost more than the rest of a
-- lease. A renewal indexes its new expiry under the ref in the leases zset (as every lease of the earlier layout is).
-- The index only says when to look: the holders hash is the truth, and every live lease has an index entry whose
-- score is its expiry (the batch's until renewed, then the ref's). So ack leaves the index alone; reclaim drops
-- index entries once due and reclaims only leases whose own expiry has passed — a ref in a due batch that was
-- renewed, acked or claimed again since is skipped.
local LEASE_BATCHES = BASE .. 'lease-batches'

-- Leases whose expiry (Redis time) has passed: the message goes back to the tail of the stream as a new entry,
-- so the next claim of any live worker hands it out again; the old entry leaves the pending list.
-- Returns how many were reclaimed and whether more index entries may be due (`limit` reached).
local function reclaim(now, limit)
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)
  local refs, nref = {}, #expired
  for i = 1, nref do refs[i] = expired[i] end
  local batches, nb = {}, 0
  while nref < limit do
    local page = redis.call('ZRANGEBYSCORE', LEASE_BATCHES, '-inf', now, 'LIMIT', nb, 8)
    for _, m in ipairs(page) do
      nb = nb + 1
      batches[nb] = m
      local members = { cmsgpack.unpack(m) }
      for k = 2, #members do
        nref = nref + 1
        refs[nref] = members[k]
      end
    end
    if #page < 8 then break end
  end
  if nref == 0 then return 0, false end
  local leases = read_many('HMGET', HOLDERS, refs)
  local old, gone, back, seen = {}, {}, {}, {}
  local ng = 0
  for i = 1, nref do
    local ref = refs[i]
    local tok, n, exp, entry, tenant = decode_lease(leases[i])
    if tok and not seen[ref] and tonumber(exp) <= now then
      seen[ref] = true
      ng = ng + 1
      gone[ng] = ref
      local payload = payload_of(entry)
      old[#old + 1] = entry
      if payload then
        requeue(ref, tenant, payload, n, now, now)
        bump(back, tenant, 1)
      else
        redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -1) -- its entry is gone: nothing to hand out again
      end
    end
  end
  flush_ready()
  chunked('ZREM', LEASES, expired)
  chunked('ZREM', LEASE_BATCHES, batches)
  chunked('HDEL', HOLDERS, gone)
  if #old > 0 then
    chunked('XACK', STREAM, old, GROUP)
    chunked('XDEL', STREAM, old)
  end
  move_backlog('leased', 'ready', back)
  return ng, nref >= limit
end

-- The decoded lease of a ref when it is still held under this fencing token, else nil.
local function held(ref, token)
  local tok, n, exp, entry, tenant, owner = decode_lease(redis.call('HGET', HOLDERS, ref))
  if tok and tok == token then return { n, exp, entry, tenant, owner } end
  return nil
end
