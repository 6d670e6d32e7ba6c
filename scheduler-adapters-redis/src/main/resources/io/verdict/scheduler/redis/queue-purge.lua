-- ARGV[4] runId. Removes the run's waiting (ready or delayed) messages; leased ones finish normally.
-- The run's idempotency hash lists every message of the run still waiting or leased.
local ik = idemp_of_run(ARGV[4])
local flat = redis.call('HGETALL', ik)
-- Its ready list goes too (the run leaves the tenant's ready runs lazily, at the next claim that reaches it).
redis.call('DEL', ready_list(ARGV[4]))
if #flat == 0 then return 0 end
local refs, values = {}, {}
for i = 1, #flat, 2 do
  refs[#refs + 1] = flat[i]
  values[#values + 1] = flat[i + 1]
end
local holders = read_many('HMGET', HOLDERS, refs)
local entries, delayed_refs, forget = {}, {}, {}
local ready, delayed = {}, {}
for i, ref in ipairs(refs) do
  local where, _, entry, tenant = decode_waiting(values[i])
  if holders[i] then
    -- leased: finishes normally
  elseif not where then
    forget[#forget + 1] = ref
  elseif where == 'stream' then
    entries[#entries + 1] = entry
    bump(ready, tenant, -1)
    forget[#forget + 1] = ref
  elseif where == 'delayed' then
    delayed_refs[#delayed_refs + 1] = ref
    bump(delayed, tenant, -1)
    forget[#forget + 1] = ref
  end
end
chunked('HDEL', ik, forget)
chunked('XDEL', STREAM, entries)
chunked('ZREM', DELAYED, delayed_refs)
flush_backlog('ready', ready)
flush_backlog('delayed', delayed)
return #entries + #delayed_refs
