-- ARGV[4..]: triples ref, runId, fencing token. Returns one 1/0 per triple (0: the lease is no longer held).
-- The lease expiry index is left alone: its entries are dropped once due (reclaim in queue-common.lua).
local nargs = #ARGV
local refs_in, nr = {}, 0
for i = 4, nargs, 3 do
  nr = nr + 1
  refs_in[nr] = ARGV[i]
end
local leases = read_many('HMGET', HOLDERS, refs_in)
local out, entries, refs, per_run, leased, done = {}, {}, {}, {}, {}, {}
local ne = 0
for x = 1, nr do
  local i = 1 + 3 * x
  local ref, token, v = ARGV[i], ARGV[i + 2], leases[x]
  out[x] = 0
  if v and not done[ref] then
    -- Only what ack needs of the lease (token|deliveries|expires|entry|len(tenant)|tenant owner): token, entry, tenant.
    local tok, entry, tl, pos = string.match(v, '^(%d+)|%d+|%d+|([^|]*)|(%d+)|()')
    if tok == token then
      done[ref] = true -- the same lease twice in one batch counts once
      ne = ne + 1
      entries[ne] = entry
      refs[ne] = ref
      group_by_run(per_run, ARGV[i + 1], ref)
      local tenant = string.sub(v, pos, pos + tonumber(tl) - 1)
      leased[tenant] = (leased[tenant] or 0) - 1
      out[x] = 1
    end
  end
end
if ne > 0 then
  chunked('HDEL', HOLDERS, refs)
  chunked('XACK', STREAM, entries, GROUP)
  chunked('XDEL', STREAM, entries)
  forget_in_runs(per_run)
  flush_backlog('leased', leased)
end
return out
