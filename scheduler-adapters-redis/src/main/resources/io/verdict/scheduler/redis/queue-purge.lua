-- ARGV[4] runId. Removes the run's waiting (ready or delayed) messages; leased ones finish normally.
local rk = BASE .. 'run:' .. ARGV[4]
local refs = redis.call('SMEMBERS', rk)
if #refs == 0 then
  redis.call('DEL', ready_list(ARGV[4]))
  return 0
end
local keys = {}
for i, ref in ipairs(refs) do keys[i] = idemp(ref) end
local values = read_many('MGET', nil, keys)
local holders = read_many('HMGET', HOLDERS, refs)
local entries, delayed_refs, forget, gone = {}, {}, {}, {}
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
    gone[#gone + 1] = keys[i]
  elseif where == 'delayed' then
    delayed_refs[#delayed_refs + 1] = ref
    bump(delayed, tenant, -1)
    forget[#forget + 1] = ref
    gone[#gone + 1] = keys[i]
  end
end
-- Its ready list goes too (the run leaves the tenant's ready runs lazily, at the next claim that reaches it).
redis.call('DEL', ready_list(ARGV[4]))
chunked('DEL', nil, gone)
chunked('XDEL', STREAM, entries)
chunked('ZREM', DELAYED, delayed_refs)
chunked('SREM', rk, forget)
flush_backlog('ready', ready)
flush_backlog('delayed', delayed)
return #entries + #delayed_refs
