-- Take a concurrency lease and a credit for one call, on Redis time. Returns {'ok', held, day} on success.
-- KEYS: leases, pause, credits. ARGV: lease id, lease ttl ms, limit, high (0/1), reserve share, daily default,
-- longest pause ms (a longer one, left by an older version, is cut).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pttl = redis.call('PTTL', KEYS[2])
if pttl > tonumber(ARGV[7]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
  pttl = tonumber(ARGV[7])
end
if pttl > 0 then return {'paused', pttl} end
-- expired leases (their holders died) are reaped only when they could stand in the way: the set has at most
-- `limit` members, and it expires itself
local held = redis.call('ZCARD', KEYS[1])
if held >= tonumber(ARGV[3]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  held = redis.call('ZCARD', KEYS[1])
  if held >= tonumber(ARGV[3]) then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {'full', tonumber(first[2]) - now}
  end
end
local day = math.floor(now / 86400000)
local credits = redis.call('HMGET', KEYS[3], 'remaining', 'day', 'peak')
local remaining, cday, peak = tonumber(credits[1]), tonumber(credits[2]), tonumber(credits[3])
if remaining == nil or cday ~= day then
  remaining = tonumber(ARGV[6])
  peak = nil
  redis.call('HDEL', KEYS[3], 'peak')
  redis.call('HSET', KEYS[3], 'remaining', remaining, 'day', day, 'source', 'default')
  redis.call('PEXPIREAT', KEYS[3], (day + 2) * 86400000)
end
local budget = peak or tonumber(ARGV[6])
local floor = math.floor(budget * tonumber(ARGV[5]))
if ARGV[4] == '1' then floor = 0 end
if remaining <= floor then
  local wait = (day + 1) * 86400000 - now
  if remaining <= 0 then return {'exhausted', wait, remaining} end
  return {'reserve', wait, remaining}
end
redis.call('HINCRBY', KEYS[3], 'remaining', -1)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return {'ok', held + 1, day}
