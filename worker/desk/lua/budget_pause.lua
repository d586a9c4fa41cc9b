-- A 429: pause every call to the org for Retry-After, or a backoff doubling per strike within the memory.
-- KEYS: credits, strikes. ARGV: retry-after ms ('' when absent), base ms, cap ms, strike memory ms.
-- The pause is the credits hash's `paused_until` (ms, Redis time), which acquire reads with the day's figures.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms
if ARGV[1] ~= '' then
  ms = tonumber(ARGV[1])
else
  local strikes = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
  ms = math.min(tonumber(ARGV[2]) * math.pow(2, strikes - 1), tonumber(ARGV[3]))
end
ms = math.floor(ms)
if ms < 1 then ms = 1 end
local current = (tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or now) - now
if current < ms then
  -- the hash must outlive the pause: a new hash gets an expiry, one ending sooner (yesterday's) a later one
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('HSET', KEYS[1], 'paused_until', now + ms)
  if ttl == -2 or (ttl >= 0 and ttl < ms) then redis.call('PEXPIRE', KEYS[1], ms) end
end
return math.max(current, ms)
