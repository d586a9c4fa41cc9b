-- Extend a lease only for its owner. KEYS: lease. ARGV: owner, lease ms.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
