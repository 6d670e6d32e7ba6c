-- Shared by every queue script (concatenated in front of it).
-- KEYS: 1 stream (only read when upgrading an earlier layout), 2 delayed zset (ref -> availableAt ms),
--       3 leases zset (renewed leases: ref -> expiry ms), 4 holders hash (renewed leases: ref -> lease),
--       5 backlog hash ("ready|<tenant>", "delayed|<tenant>", "leased|<tenant>"), 6 fencing counter,
--       7 dead-letter stream
-- ARGV: 1 key base "<prefix>scheduler:<queue>:", 2 consumer group (upgrades only), 3 idempotency TTL ms;
--       script arguments start at ARGV[4].
--
-- Layout 3 (see the module README). A message waiting or leased has one field in its run's idempotency hash
-- <base>idemp:<runId> (field = the ref "<runId>#<index>"):
--   <G>              ready or leased: G is the 16-digit generation the message got when it last became ready
--                    (from the <base>seq counter), so a lease names the readying it took, and any later readying
--                    (a reclaim, a retry) makes every earlier lease of the message stale;
--   @<tail>          delayed (in the delayed zset), tail as below.
-- A message record, in a ready list and in a lease, is text:
--   <G><deliveries>|<len(tenant)>|<tenant><len(ref)>|<ref><len(payload)>|<payload>     (lengths in bytes)
-- with deliveries = how often it was handed out before; records concatenated stay self-delimiting.
-- A claim writes one lease record per call, not one per message: the hash <base>lease:<first token> (fields owner,
-- expires, left = messages of the batch not yet ended, g = the batch's generations concatenated, m = its message
-- records concatenated), indexed by expiry in the zset <base>lease-batches (member = the first token). Token first+i
-- went to message i. A lease (ref, token, batch) is held while the batch's g at position token-first equals the ref's
-- idempotency value; an ack deletes that value, a reclaim or retry replaces it, so nothing per message is written at
-- claim time and nothing but the idempotency field is deleted at ack. A renewal writes the ref's own lease to the
-- holders hash (L<token>|<expires>|<batch>|<len(owner)>|<owner><record>) and the leases zset, which then decide its
-- expiry. The idempotency hash's TTL (idempotency TTL past the longest wait it holds, only ever extended) is a safety
-- net against leaks, not an expiry of work.
-- At tens of thousands of messages a second, commands per message are the cost: the hot path has none.
local STREAM, DELAYED, LEASES, HOLDERS, BACKLOG, FENCING, DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local BASE, GROUP, TTL = ARGV[1], ARGV[2], tonumber(ARGV[3])
local CHUNK = 500 -- Lua's unpack() has a stack limit; variadic commands are sent in chunks
local SEQ, LEASE_BATCHES = BASE .. 'seq', BASE .. 'lease-batches'

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

local function put_waiting(ref, value, keep_ms)
  local key = idemp(ref)
  redis.call('HSET', key, ref, value)
  keep_alive(key, keep_ms)
end

local function g16(n)
  return string.format('%016d', n)
end

-- A fresh generation (rare paths; enqueue takes a block of them at once).
local function next_g()
  return g16(redis.call('INCR', SEQ))
end

local function record_tail(deliveries, tenant, ref, payload)
  return deliveries .. '|' .. #tenant .. '|' .. tenant .. #ref .. '|' .. ref .. #payload .. '|' .. payload
end

-- deliveries, tenant, ref, payload and the position after them, of the record tail at pos.
local function decode_tail(s, pos)
  local d, tl, p = string.match(s, '^(%d+)|(%d+)|()', pos)
  if not d then return nil end
  local e = p + tonumber(tl)
  local tenant = string.sub(s, p, e - 1)
  local rl, p2 = string.match(s, '^(%d+)|()', e)
  e = p2 + tonumber(rl)
  local ref = string.sub(s, p2, e - 1)
  local pl, p3 = string.match(s, '^(%d+)|()', e)
  e = p3 + tonumber(pl)
  return d, tenant, ref, string.sub(s, p3, e - 1), e
end

-- G, deliveries, tenant, ref, payload, next position of the message record at pos.
local function decode_record(s, pos)
  local d, tenant, ref, payload, e = decode_tail(s, pos + 16)
  if not d then return nil end
  return string.sub(s, pos, pos + 15), d, tenant, ref, payload, e
end

-- A renewed lease in the holders hash: token, expires, batch, owner, then the record's G, deliveries, tenant, ref,
-- payload, and the record itself.
local function decode_holder(v)
  if not v then return nil end
  local tok, exp, batch, ol, p = string.match(v, '^L(%d+)|(%d+)|(%d*)|(%d+)|()')
  if not tok then return nil end
  local e = p + tonumber(ol)
  local g, d, tenant, ref, payload = decode_record(v, e)
  return tok, exp, batch, string.sub(v, p, e - 1), g, d, tenant, ref, payload, string.sub(v, e)
end

local function encode_holder(token, expires, batch, owner, record)
  return 'L' .. token .. '|' .. expires .. '|' .. batch .. '|' .. #owner .. '|' .. owner .. record
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

-- Fair share. Ready messages are listed per run, oldest first (list <base>ready:<runId>, elements = message
-- records), so a claim pops what it hands out. A run with ready messages is a member of <base>ready-runs:<tenant>, a
-- tenant with such runs a member of <base>ready-tenants (both zsets with score 0, so ordered by name). Claims walk
-- them round-robin from the cursor hash <base>cursor (field "tenant": tenant served last; "run|<tenant>": that
-- tenant's run served last). Empty runs and tenants leave the zsets lazily, when a claim finds them empty.
local READY_TENANTS, CURSOR = BASE .. 'ready-tenants', BASE .. 'cursor'

local function ready_list(run)
  return BASE .. 'ready:' .. run
end

local function ready_runs(tenant)
  return BASE .. 'ready-runs:' .. tenant
end

local marked = {} -- runs already registered in the zsets by this script call
local pending_ready = {} -- run -> records to append, written by flush_ready() with one RPUSH per run
local pending_runs = {} -- runs in the order they were first buffered

-- Buffers a ready record for its run's list (until flush_ready()) and registers run and tenant.
local function list_ready(run, tenant, record)
  local l = pending_ready[run]
  if not l then
    l = { n = 0 }
    pending_ready[run] = l
    pending_runs[#pending_runs + 1] = run
  end
  local n = l.n + 1
  l.n = n
  l[n] = record
  if not marked[run] then
    marked[run] = true
    redis.call('ZADD', ready_runs(tenant), 0, run)
    redis.call('ZADD', READY_TENANTS, 0, tenant)
  end
end

-- Writes the buffered ready records (every script that lists messages calls this before it picks or ends).
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


-- Makes a message waiting again with a fresh generation (so every earlier lease of it is stale): ready now (its
-- run's list) or delayed until `at`.
local function requeue(ref, tenant, payload, deliveries, at, now)
  local tail = record_tail(deliveries, tenant, ref, payload)
  if at <= now then
    local g = next_g()
    list_ready(run_of(ref), tenant, g .. tail)
    put_waiting(ref, g, TTL)
    return 'ready'
  end
  redis.call('ZADD', DELAYED, int(at), ref)
  put_waiting(ref, '@' .. tail, TTL + (at - now))
  return 'delayed'
end

-- Due delayed messages (retry windows, future availableAt) become ready, oldest due first.
local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  if #due == 0 then return 0 end
  local moved = {}
  for _, ref in ipairs(due) do
    local v = redis.call('HGET', idemp(ref), ref)
    if v and string.byte(v, 1) == 64 then -- '@'
      local d, tenant, _, payload = decode_tail(v, 2)
      if d then
        requeue(ref, tenant, payload, d, now, now)
        bump(moved, tenant, 1)
      end
    end
  end
  flush_ready()
  chunked('ZREM', DELAYED, due)
  move_backlog('delayed', 'ready', moved)
  return #due
end

-- One fewer live message in a claim batch; the batch's record goes with its last one. (On a batch already gone the
-- HINCRBY creates a negative count, deleted at once.)
local function release_batch(batch, k)
  if batch == '' then return end
  local key = BASE .. 'lease:' .. batch
  if redis.call('HINCRBY', key, 'left', -k) <= 0 then
    redis.call('DEL', key)
    redis.call('ZREM', LEASE_BATCHES, batch)
  end
end

-- The lease of ref under token, given the batch it was claimed in (the lease's receipt), or nil when it is not held:
-- { g, d (deliveries before the claim), tenant, payload, owner, exp (ms), batch, record }.
-- The ref's own lease in holders (a renewal) decides first, else the batch's record.
local function find_lease(ref, token, batch)
  local cur = redis.call('HGET', idemp(ref), ref)
  if not cur or #cur ~= 16 then return nil end
  local tok, exp, b, owner, g, d, tenant, _, payload, record = decode_holder(redis.call('HGET', HOLDERS, ref))
  if tok and tok == token and g == cur then
    return { g = g, d = d, tenant = tenant, payload = payload, owner = owner, exp = tonumber(exp), batch = b,
             record = record }
  end
  if batch == '' or not string.match(batch, '^%d+$') then return nil end
  local r = redis.call('HMGET', BASE .. 'lease:' .. batch, 'g', 'm', 'owner', 'expires')
  if not r[1] then return nil end
  local i = tonumber(token) - tonumber(batch)
  if i < 0 or string.sub(r[1], i * 16 + 1, i * 16 + 16) ~= cur then return nil end
  local pos = 1
  for _ = 1, i do pos = select(6, decode_record(r[2], pos)) end
  local rg, rd, rtenant, _, rpayload, e = decode_record(r[2], pos)
  return { g = rg, d = rd, tenant = rtenant, payload = rpayload, owner = r[3], exp = tonumber(r[4]), batch = batch,
           record = string.sub(r[2], pos, e - 1) }
end

-- Ends a lease found by find_lease (its renewal record, its place in the batch); the caller decides what follows.
local function end_lease(ref, lease)
  redis.call('HDEL', HOLDERS, ref)
  redis.call('ZREM', LEASES, ref)
  release_batch(lease.batch, 1)
  redis.call('HINCRBY', BACKLOG, 'leased|' .. lease.tenant, -1)
end

-- Leases whose expiry (Redis time) has passed go back to their run's ready list with a fresh generation, so the next
-- claim of any live worker hands them out again and the old holder is fenced out. Renewed leases first (leases zset,
-- the ref's own expiry), then due claim batches: a message of a due batch is reclaimed unless it was acked, retried
-- or reclaimed since (its generation moved on) or renewed past now.
-- Returns how many were reclaimed and whether more may be due (`limit` reached).
local function reclaim(now, limit)
  local back, ng, seen = {}, 0, 0
  local due = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)
  seen = #due
  local drop = {}
  for _, ref in ipairs(due) do
    local tok, exp, b, _, g, d, tenant, _, payload = decode_holder(redis.call('HGET', HOLDERS, ref))
    local cur = redis.call('HGET', idemp(ref), ref)
    if tok and g == cur then
      if tonumber(exp) <= now then
        requeue(ref, tenant, payload, int(tonumber(d) + 1), now, now)
        bump(back, tenant, 1)
        ng = ng + 1
        redis.call('HDEL', HOLDERS, ref)
        release_batch(b, 1)
        drop[#drop + 1] = ref
      end
    else
      redis.call('HDEL', HOLDERS, ref) -- that lease ended: only its record was left
      drop[#drop + 1] = ref
    end
  end
  chunked('ZREM', LEASES, drop)
  local holders_in_use = redis.call('HLEN', HOLDERS) > 0
  while seen < limit do
    local ids = redis.call('ZRANGEBYSCORE', LEASE_BATCHES, '-inf', now, 'LIMIT', 0, 1)
    local id = ids[1]
    if not id then break end
    local key = BASE .. 'lease:' .. id
    local m = redis.call('HGET', key, 'm')
    if m then
      local first = tonumber(id)
      local per_run, order = {}, {}
      local pos, i = 1, 0
      while pos <= #m do
        local g, d, tenant, ref, payload, e = decode_record(m, pos)
        if not g then break end
        local run = run_of(ref)
        local l = per_run[run]
        if not l then
          l = { refs = {}, recs = {} }
          per_run[run] = l
          order[#order + 1] = run
        end
        l.refs[#l.refs + 1] = ref
        l.recs[#l.recs + 1] = { g, d, tenant, ref, payload, int(first + i) }
        pos, i = e, i + 1
      end
      seen = seen + i
      for _, run in ipairs(order) do
        local l = per_run[run]
        local cur = read_many('HMGET', idemp_of_run(run), l.refs)
        for x, rec in ipairs(l.recs) do
          if cur[x] == rec[1] then
            local live = false
            if holders_in_use then
              local tok, exp = decode_holder(redis.call('HGET', HOLDERS, rec[4]))
              live = tok == rec[6] and tonumber(exp) > now
            end
            if not live then
              requeue(rec[4], rec[3], rec[5], int(tonumber(rec[2]) + 1), now, now)
              bump(back, rec[3], 1)
              ng = ng + 1
              if holders_in_use then
                redis.call('HDEL', HOLDERS, rec[4])
                redis.call('ZREM', LEASES, rec[4])
              end
            end
          end
        end
      end
    end
    redis.call('DEL', key)
    redis.call('ZREM', LEASE_BATCHES, id)
    seen = seen + 1
  end
  flush_ready()
  move_backlog('leased', 'ready', back)
  return ng, seen >= limit
end
