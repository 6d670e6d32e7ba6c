-- ARGV[4] owner (consumer name), ARGV[5] lease ms, ARGV[6] max messages, ARGV[7] housekeeping limit.
-- Claims fairly (pick_fairly in queue-common.lua): round-robin across tenants, then runs, oldest first in a run.
-- Returns {expiresAt, first token, records}: the claimed message records concatenated, in claim order (token
-- first + i went to record i, the batch's ID is the first token); {} when nothing is ready.
-- A missing token counter means Redis lost its data (FLUSHALL, an empty replica, a restart without persistence):
-- handing out tokens from 1 again would make every worker write look stale. Ask the caller to seed it first.
if redis.call('EXISTS', FENCING) == 0 then return { -1 } end
local now = now_ms()
local owner, lease_ms, count, limit = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
promote(now, limit)
reclaim(now, limit)
local picked, runs, tenants = pick_fairly(count)
local n = #picked
if n == 0 then return {} end
-- A leased message's generation lives in its run's idempotency hash: a hash that would expire within the lease gets
-- the idempotency TTL past it (per run and call, not per message; as renew does), so a message that waited longer
-- than the idempotency TTL can still be acked.
local kept = {}
for x = 1, n do
  local run = runs[x]
  if not kept[run] then
    kept[run] = true
    local key = idemp_of_run(run)
    if redis.call('PTTL', key) < lease_ms then redis.call('PEXPIRE', key, int(TTL + lease_ms)) end
  end
end
local first = redis.call('INCRBY', FENCING, n) - n + 1
local expires = int(now + lease_ms)
-- One lease record for the whole batch (see the header of queue-common.lua): nothing is written per message.
local gs, moved = {}, {}
for x = 1, n do
  gs[x] = string.sub(picked[x], 1, 16)
  local t = tenants[x]
  moved[t] = (moved[t] or 0) + 1
end
local id = int(first)
local m = table.concat(picked)
redis.call('HSET', BASE .. 'lease:' .. id, 'owner', owner, 'expires', expires, 'left', n, 'g', table.concat(gs), 'm', m)
redis.call('ZADD', LEASE_BATCHES, expires, id)
move_backlog('ready', 'leased', moved)
return { tonumber(expires), first, m }
