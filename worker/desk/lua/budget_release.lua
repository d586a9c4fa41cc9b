-- Hand a lease back; record the Desk's credit figure when it sent one.
-- KEYS: leases, credits. ARGV: lease id, remaining ('' when the Desk did not say).
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local day = math.floor(now / 86400000)
  local reported = tonumber(ARGV[2])
  local credits = redis.call('HMGET', KEYS[2], 'peak', 'day')
  local peak = tonumber(credits[1])
  local same_day = tonumber(credits[2]) == day
  if peak == nil or not same_day or reported > peak then peak = reported end
  redis.call('HSET', KEYS[2], 'remaining', reported, 'day', day, 'source', 'desk', 'peak', peak)
  -- the hash lives to the end of tomorrow; set once per day (HSET keeps an expiry already set)
  if not same_day then redis.call('PEXPIREAT', KEYS[2], (day + 2) * 86400000) end
end
return 1
