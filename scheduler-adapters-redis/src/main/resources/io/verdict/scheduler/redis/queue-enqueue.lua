-- ARGV[4] availableAt ms (one for the whole batch); then groups of messages of one run: runId, k, then k triples
-- ref, tenant, record tail ("0|<len(tenant)>|<tenant><len(ref)>|<ref><len(payload)>|<payload>", built by the caller,
-- which also drops a ref given twice). Returns how many were added (refs already waiting or leased are skipped).
-- Per group: one HMGET (already there?), one HSET (idempotency values), one RPUSH (ready list), a PTTL; per message
-- no command at all, and the loops do as little as they can: in Lua, a table, a function call or a string built per
-- message costs about as much as a Redis command's work per message.
local now = now_ms()
local at = tonumber(ARGV[4])
local ready_now = at <= now
-- The hash must outlive the wait, or a long retry window would lose its payload.
local keep = TTL + math.max(0, at - now)
local nargs = #ARGV
local groups, ng, fresh = {}, 0, 0
local i = 5
while i <= nargs do
  local run, k = ARGV[i], tonumber(ARGV[i + 1])
  local refs = {}
  for x = 1, k do refs[x] = ARGV[i - 1 + 3 * x] end
  local got = read_many('HMGET', idemp_of_run(run), refs)
  for x = 1, k do
    if not got[x] then fresh = fresh + 1 end
  end
  ng = ng + 1
  groups[ng] = { i, got }
  i = i + 2 + 3 * k
end
if fresh == 0 then return 0 end
-- One block of generations for the call.
local g = ready_now and (redis.call('INCRBY', SEQ, fresh) - fresh) or 0
local counts, delayed, nd = {}, {}, 0
for gi = 1, ng do
  local start, got = groups[gi][1], groups[gi][2]
  local run, k = ARGV[start], tonumber(ARGV[start + 1])
  local fields, nf, list, nl = {}, 0, {}, 0
  local listed, last = {}, nil -- tenants registered for this run (a run has one tenant; nothing here relies on it)
  for x = 1, k do
    if not got[x] then
      local a = start - 1 + 3 * x
      local ref, tenant = ARGV[a], ARGV[a + 1]
      local value
      if ready_now then
        g = g + 1
        value = g16(g)
        nl = nl + 1
        list[nl] = value .. ARGV[a + 2]
        if tenant ~= last and not listed[tenant] then
          listed[tenant] = true
          redis.call('ZADD', ready_runs(tenant), 0, run)
          redis.call('ZADD', READY_TENANTS, 0, tenant)
        end
      else
        delayed[nd + 1] = ARGV[4]
        delayed[nd + 2] = ref
        nd = nd + 2
        value = '@' .. ARGV[a + 2]
      end
      last = tenant
      fields[nf + 1] = ref
      fields[nf + 2] = value
      nf = nf + 2
      counts[tenant] = (counts[tenant] or 0) + 1
    end
  end
  if nf > 0 then
    local key = idemp_of_run(run)
    chunked('HSET', key, fields)
    keep_alive(key, keep)
    chunked('RPUSH', ready_list(run), list)
  end
end
chunked('ZADD', DELAYED, delayed)
flush_backlog(ready_now and 'ready' or 'delayed', counts)
local added = 0
for _, n in pairs(counts) do added = added + n end
return added
