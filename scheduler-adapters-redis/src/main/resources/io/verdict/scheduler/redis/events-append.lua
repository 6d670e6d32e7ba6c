-- KEYS[1] run event stream, KEYS[2] its sequence counter; ARGV[1] tenant, ARGV[2] occurredAt, ARGV[3] event JSON,
-- ARGV[4] retention ms (0 = keep). The entry ID is "<seq>-0", so seq order is stream order. Returns seq.
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], string.format('%d-0', seq), 'tenant', ARGV[1], 'at', ARGV[2], 'event', ARGV[3])
local keep = tonumber(ARGV[4])
if keep > 0 then
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('PEXPIRE', KEYS[2], keep)
end
return seq
