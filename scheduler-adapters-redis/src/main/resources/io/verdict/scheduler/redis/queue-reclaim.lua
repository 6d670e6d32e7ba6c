-- ARGV[3] limit. Returns how many expired leases went back to the stream.
local now = now_ms()
return reclaim(now, tonumber(ARGV[3]))
