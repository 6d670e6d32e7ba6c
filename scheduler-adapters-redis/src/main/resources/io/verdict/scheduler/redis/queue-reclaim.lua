-- ARGV[4] limit. Returns how many expired leases went back to the stream.
return reclaim(now_ms(), tonumber(ARGV[4]))
