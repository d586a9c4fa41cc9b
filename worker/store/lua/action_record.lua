-- Write a planned action once, atomically with its reconcile deadline (its state, attempts and outcome are
-- absent until written: planned, 0, empty), and claim a new one for ARGV[5] when given (a worker acting on it at
-- once). KEYS: action hash, pending zset, claim. ARGV: action json, retention s, deadline (Redis ms, from the
-- caller's step clock), action id, claim owner ('' for none), claim lease ms. Returns 0 known, 1 new, 2 new and
-- claimed.
if redis.call('HSETNX', KEYS[1], 'action', ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if ARGV[5] ~= '' and redis.call('SET', KEYS[3], ARGV[5], 'NX', 'PX', ARGV[6]) then return 2 end
return 1
