-- ARGV[4] page size. Once per queue: lists the ready entries a version without fair share left in the stream (entries
-- never delivered to the group, with no ready list) so fair claims can hand them out. Reads them with XREADGROUP (the
-- group's "undelivered" is exactly what has to be listed) and acknowledges them at once (layout 2's claims, XCLAIM
-- FORCE, took only entries nobody held, so listed entries must not stay pending). Skipped when the marker
-- says ready entries are already listed (set by layout 2 and by the upgrade to layout 3), so nothing is ever listed
-- twice.
-- Returns how many entries were adopted.
-- Writes ready lists in the format of layout 2 (an element = MessagePack entry, deliveries, tenant, ref, payload);
-- queue-migrate-layout3.lua, which runs right after it, turns them into this layout's records.
local FAIR_MARK = BASE .. 'fair'
local function ready_element(entry, deliveries, tenant, ref, payload)
  return cmsgpack.pack(entry, deliveries, tenant, ref, payload)
end
local page = tonumber(ARGV[4])
if redis.call('EXISTS', STREAM) == 0 then
  redis.call('SET', FAIR_MARK, '1')
  return 0
end
-- Earlier versions of this script left the adopted entries pending under the consumer '~adopt' (their claims took
-- pending entries too). They are listed, so acknowledging them makes them claimable again; a no-op once done.
while true do
  local p = redis.pcall('XPENDING', STREAM, GROUP, '-', '+', page, '~adopt')
  if type(p) ~= 'table' or p.err or #p == 0 then break end
  local ids = {}
  for i, e in ipairs(p) do ids[i] = e[1] end
  redis.call('XACK', STREAM, GROUP, unpack(ids))
end
if redis.call('EXISTS', FAIR_MARK) == 1 then return 0 end
local adopted = 0
while true do
  local res = redis.call('XREADGROUP', 'GROUP', GROUP, '~adopt', 'COUNT', page, 'STREAMS', STREAM, '>')
  if not res or not res[1] or #res[1][2] == 0 then break end
  local ids = {}
  for i, e in ipairs(res[1][2]) do ids[i] = e[1] end
  redis.call('XACK', STREAM, GROUP, unpack(ids))
  for _, e in ipairs(res[1][2]) do
    local id, f = e[1], e[2]
    local ref, tenant, payload
    for j = 1, #f, 2 do
      if f[j] == 'ref' then ref = f[j + 1] elseif f[j] == 'tenant' then tenant = f[j + 1] end
    end
    if ref and tenant then
      local run = run_of(ref)
      local n = '0'
      for j = 1, #f, 2 do
        if f[j] == 'deliveries' then n = f[j + 1] elseif f[j] == 'payload' then payload = f[j + 1] end
      end
      redis.call('RPUSH', ready_list(run), payload and ready_element(id, n, tenant, ref, payload) or id)
      redis.call('ZADD', ready_runs(tenant), 0, run)
      redis.call('ZADD', READY_TENANTS, 0, tenant)
      adopted = adopted + 1
    end
  end
end
redis.call('SET', FAIR_MARK, '1')
return adopted
