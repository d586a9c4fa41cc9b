-- Write a planned action once, atomically with its reconcile deadline (its state, attempts and outcome are
-- absent until written: planned, 0, empty). KEYS: action hash, pending zset. ARGV: action json, retention s,
-- deadline (Redis ms, from the caller's step clock), action id.
if redis.call('HSETNX', KEYS[1], 'action', ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
