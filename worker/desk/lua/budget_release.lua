-- Hand a lease back; record the Desk's credit figure when it sent one. No read: acquire gave the day and peak.
-- KEYS: leases, credits. ARGV: lease id, remaining ('' when the Desk did not say), the Redis day (UTC days since
-- the epoch) the lease was taken on, the day's peak including this figure.
-- The fields are the lease's day's: a call that began before midnight and ended after it writes the old day's
-- fields, which the new day's first acquire drops (or already dropped: they go with the next day's).
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  local day = ARGV[3]
  redis.call('HSET', KEYS[2], 'remaining:' .. day, ARGV[2], 'peak:' .. day, ARGV[4], 'source:' .. day, 'desk')
end
return 1
