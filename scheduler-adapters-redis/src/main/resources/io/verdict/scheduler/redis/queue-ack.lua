-- ARGV[4..]: triples ref, runId, fencing token. Returns one 1/0 per triple (0: the lease is no longer held).
local refs_in = {}
for i = 4, #ARGV, 3 do refs_in[#refs_in + 1] = ARGV[i] end
local leases = read_many('HMGET', HOLDERS, refs_in)
local out, entries, refs, per_run, leased, done = {}, {}, {}, {}, {}, {}
for x = 1, #refs_in do
  local i = 4 + (x - 1) * 3
  local ref, run, token = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local tok, _, _, entry, tenant = decode_lease(leases[x])
  if tok == token and not done[ref] then
    done[ref] = true -- the same lease twice in one batch counts once
    entries[#entries + 1] = entry
    refs[#refs + 1] = ref
    group_by_run(per_run, run, ref)
    bump(leased, tenant, -1)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #entries > 0 then
  chunked('HDEL', HOLDERS, refs)
  chunked('ZREM', LEASES, refs)
  chunked('XACK', STREAM, entries, GROUP)
  chunked('XDEL', STREAM, entries)
  forget_in_runs(per_run)
  flush_backlog('leased', leased)
end
return out
