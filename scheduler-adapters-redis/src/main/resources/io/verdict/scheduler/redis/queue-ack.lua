-- ARGV[4..]: triples ref, runId, fencing token. Returns one 1/0 per triple (0: the lease is no longer held).
local keys = {}
for i = 4, #ARGV, 3 do keys[#keys + 1] = idemp(ARGV[i]) end
local values = mget(keys)
local out, entries, refs, gone, per_run, leased, done = {}, {}, {}, {}, {}, {}, {}
for x = 1, #keys do
  local i = 4 + (x - 1) * 3
  local ref, run, token = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local st, _, tok, _, entry, tenant = decode(values[x])
  if st == 'leased' and tok == token and not done[ref] then
    done[ref] = true -- the same lease twice in one batch counts once
    gone[#gone + 1] = keys[x]
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
  chunked('DEL', nil, gone)
  chunked('XACK', STREAM, entries, GROUP)
  chunked('XDEL', STREAM, entries)
  chunked('ZREM', LEASES, refs)
  forget_in_runs(per_run)
  flush_backlog('leased', leased)
end
return out
