-- Take a concurrency lease and a credit for one call, on Redis time. Returns {'ok', held, day, peak or nil}.
-- KEYS: leases, credits. ARGV: lease id, lease ttl ms, limit, high (0/1), reserve share, daily default,
-- longest pause ms (a longer one, e.g. written by another version, is cut), Redis time in ms when the caller
-- knows it without a round trip ('' to read TIME here).
-- The warm path costs (TIME,) HMGET, ZCARD, HINCRBY, ZADD; the day's fields are named by the UTC day.
local now = tonumber(ARGV[8])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local day = math.floor(now / 86400000)
local credits = redis.call('HMGET', KEYS[2], 'paused_until', 'remaining:' .. day, 'peak:' .. day)
local paused_until, remaining, peak = tonumber(credits[1]), tonumber(credits[2]), tonumber(credits[3])
if paused_until ~= nil and paused_until > now then
  local pause = paused_until - now
  if pause > tonumber(ARGV[7]) then
    pause = tonumber(ARGV[7])
    redis.call('HSET', KEYS[2], 'paused_until', now + pause)
  end
  return {'paused', pause}
end
-- expired leases (their holders died) are reaped only when they could stand in the way: the set has at most
-- `limit` members
local held = redis.call('ZCARD', KEYS[1])
if held >= tonumber(ARGV[3]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  held = redis.call('ZCARD', KEYS[1])
  if held >= tonumber(ARGV[3]) then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {'full', tonumber(first[2]) - now}
  end
end
if remaining == nil then
  -- the day's first call: drop the earlier days' fields (a pause is over, or it would have returned above)
  remaining = tonumber(ARGV[6])
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[2], 'remaining:' .. day, remaining, 'source:' .. day, 'default')
  redis.call('PEXPIREAT', KEYS[2], (day + 2) * 86400000)
end
local budget = peak or tonumber(ARGV[6])
local floor = math.floor(budget * tonumber(ARGV[5]))
if ARGV[4] == '1' then floor = 0 end
if remaining <= floor then
  local wait = (day + 1) * 86400000 - now
  if remaining <= 0 then return {'exhausted', wait, remaining} end
  return {'reserve', wait, remaining}
end
redis.call('HINCRBY', KEYS[2], 'remaining:' .. day, -1)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return {'ok', held + 1, day, peak or false}
