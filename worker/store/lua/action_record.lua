-- Write a planned action once, atomically with its state and reconcile deadline.
-- KEYS: action hash, pending zset. ARGV: action json, retention s, deadline ms, action id.
if redis.call('HSETNX', KEYS[1], 'action', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'planned', 'attempts', 0, 'outcome', '')
redis.call('EXPIRE', KEYS[1], ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
return 1
