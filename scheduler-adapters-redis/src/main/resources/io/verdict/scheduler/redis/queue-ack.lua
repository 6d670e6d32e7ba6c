-- ARGV[3..]: pairs ref, fencing token. Returns one 1/0 per pair (0: the lease is no longer held).
local out, entries, refs, per_run, leased = {}, {}, {}, {}, {}
for i = 3, #ARGV, 2 do
  local ref, token = ARGV[i], ARGV[i + 1]
  local h = held(ref, token)
  if h then
    redis.call('DEL', idemp(ref))
    entries[#entries + 1] = h[3]
    refs[#refs + 1] = ref
    group_by_run(per_run, ref)
    bump(leased, h[4], -1)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #entries > 0 then
  chunked('XACK', STREAM, entries, GROUP)
  chunked('XDEL', STREAM, entries)
  chunked('ZREM', LEASES, refs)
  forget_in_runs(per_run)
  flush_backlog('leased', leased)
end
return out
