-- Keep the larger lateness; each new observation keeps it for ARGV[2] more milliseconds.
-- KEYS: lag. ARGV: seconds, memory ms.
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > old then old = new end
redis.call('SET', KEYS[1], tostring(old), 'PX', ARGV[2])
return 1
