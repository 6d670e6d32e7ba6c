-- ARGV[4] runId. Removes the run's waiting (ready or delayed) messages; leased ones finish normally.
-- Ready ones are exactly the run's ready list (its records whose generation is still the ref's idempotency value),
-- delayed ones the '@' values of its idempotency hash; every other value there is a leased message.
local run = ARGV[4]
local ik = idemp_of_run(run)
local list = redis.call('LRANGE', ready_list(run), 0, -1)
-- The run leaves the tenant's ready runs lazily, at the next claim that reaches it.
redis.call('DEL', ready_list(run))
local flat = redis.call('HGETALL', ik)
if #flat == 0 then return 0 end
local cur = {}
for i = 1, #flat, 2 do cur[flat[i]] = flat[i + 1] end
local forget, delayed_refs, ready, delayed = {}, {}, {}, {}
for _, rec in ipairs(list) do
  local g, _, tenant, ref = decode_record(rec, 1)
  if g and cur[ref] == g then
    cur[ref] = nil
    forget[#forget + 1] = ref
    bump(ready, tenant, -1)
  end
end
for ref, v in pairs(cur) do
  if string.byte(v, 1) == 64 then -- '@': delayed
    local _, tenant = decode_tail(v, 2)
    delayed_refs[#delayed_refs + 1] = ref
    forget[#forget + 1] = ref
    bump(delayed, tenant or '', -1)
  end
end
chunked('HDEL', ik, forget)
chunked('ZREM', DELAYED, delayed_refs)
flush_backlog('ready', ready)
flush_backlog('delayed', delayed)
return #forget
