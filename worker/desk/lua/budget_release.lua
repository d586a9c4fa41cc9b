-- Hand a lease back; record the Desk's credit figure when it sent one.
-- KEYS: leases, credits. ARGV: lease id, remaining ('' when the Desk did not say), the Redis day (UTC days since
-- the epoch) the lease was taken on, as acquire returned it ('' to read TIME here).
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  local day
  if ARGV[3] ~= nil and ARGV[3] ~= '' then
    day = tonumber(ARGV[3])
  else
    local t = redis.call('TIME')
    day = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / 86400000)
  end
  local reported = tonumber(ARGV[2])
  local credits = redis.call('HMGET', KEYS[2], 'peak', 'day')
  local peak = tonumber(credits[1])
  local cday = tonumber(credits[2])
  -- a call that began before midnight and ended after it: the new day's record (written by a later acquire) wins
  if cday ~= nil and cday > day then return 1 end
  local same_day = cday == day
  if peak == nil or not same_day or reported > peak then peak = reported end
  redis.call('HSET', KEYS[2], 'remaining', reported, 'day', day, 'source', 'desk', 'peak', peak)
  -- the hash lives to the end of tomorrow; set once per day (HSET keeps an expiry already set)
  if not same_day then redis.call('PEXPIREAT', KEYS[2], (day + 2) * 86400000) end
end
return 1
