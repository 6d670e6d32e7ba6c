-- ARGV[4..]: groups of leases sharing batch, run and tenant: batch (the lease receipt), runId, tenant, k, then k
-- pairs ref, fencing token. Returns how many leases were still held (stale ones are ignored).
-- A lease is held while the generation its batch gave the ref is still the ref's idempotency value (or, renewed,
-- while its own record in holders says so); the ack deletes that value. Per group: one HMGET and one HDEL of the
-- run's idempotency hash; per batch: one HGET of its generations and one HINCRBY of its live count.
local nargs = #ARGV
local gens = {} -- batch -> its g field, or false when gone
local per_batch = {}
local done = {}
local holders_in_use = redis.call('HLEN', HOLDERS) > 0
local acked = 0
local i = 4
while i <= nargs do
  local batch, run, tenant, k = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  local g = gens[batch]
  if g == nil then
    g = string.match(batch, '^%d+$') and redis.call('HGET', BASE .. 'lease:' .. batch, 'g') or false
    gens[batch] = g
  end
  local first = g and tonumber(batch)
  local refs = {}
  for x = 1, k do refs[x] = ARGV[i + 2 * x - 2] end
  local key = idemp_of_run(run)
  local cur = read_many('HMGET', key, refs)
  local ok, nok = {}, 0
  for x = 1, k do
    local ref, c = refs[x], cur[x]
    if c and not done[ref] then
      local tok = ARGV[i + 2 * x - 1]
      local valid = false
      if g then
        local p = (tonumber(tok) - first) * 16
        valid = p >= 0 and string.sub(g, p + 1, p + 16) == c
      end
      if not valid and holders_in_use then
        local htok, _, _, _, hg = decode_holder(redis.call('HGET', HOLDERS, ref))
        valid = htok == tok and hg == c
      end
      if valid then
        done[ref] = true -- the same lease twice in one batch counts once
        nok = nok + 1
        ok[nok] = ref
      end
    end
  end
  i = i + 2 * k
  if nok > 0 then
    chunked('HDEL', key, ok)
    if holders_in_use then
      chunked('HDEL', HOLDERS, ok)
      chunked('ZREM', LEASES, ok)
    end
    per_batch[batch] = (per_batch[batch] or 0) + nok
    redis.call('HINCRBY', BACKLOG, 'leased|' .. tenant, -nok)
    acked = acked + nok
  end
end
for batch, k in pairs(per_batch) do release_batch(batch, k) end
return acked
