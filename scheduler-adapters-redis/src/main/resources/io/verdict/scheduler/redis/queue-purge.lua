-- ARGV[3] runId. Removes the run's waiting (ready or delayed) messages; leased ones finish normally.
local rk = BASE .. 'run:' .. ARGV[3]
local refs = redis.call('SMEMBERS', rk)
local entries, delayed_refs, gone = {}, {}, {}
local ready, delayed = {}, {}
for _, ref in ipairs(refs) do
  local k = idemp(ref)
  local h = redis.call('HMGET', k, 'state', 'entry', 'tenant')
  if not h[1] then
    gone[#gone + 1] = ref
  elseif h[1] == 'ready' then
    entries[#entries + 1] = h[2]
    bump(ready, h[3], -1)
    gone[#gone + 1] = ref
    redis.call('DEL', k)
  elseif h[1] == 'delayed' then
    delayed_refs[#delayed_refs + 1] = ref
    bump(delayed, h[3], -1)
    gone[#gone + 1] = ref
    redis.call('DEL', k)
  end
end
chunked('XDEL', STREAM, entries)
chunked('ZREM', DELAYED, delayed_refs)
chunked('SREM', rk, gone)
flush_backlog('ready', ready)
flush_backlog('delayed', delayed)
return #entries + #delayed_refs
