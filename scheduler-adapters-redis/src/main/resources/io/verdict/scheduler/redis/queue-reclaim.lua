-- ARGV[4] limit. Returns {how many expired leases went back to the stream, 1 when more may be due else 0}.
local n, more = reclaim(now_ms(), tonumber(ARGV[4]))
return { n, more and 1 or 0 }
