-- Move a mark forward only: a late poll finishing after a newer one must not move it back.
-- KEYS: mark. ARGV: ISO time (same format each time, so string order is time order).
local old = redis.call('GET', KEYS[1])
if (not old) or old < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
