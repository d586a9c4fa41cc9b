-- A 429: pause every call to the org for Retry-After, or a backoff doubling per strike within the memory.
-- KEYS: pause, strikes. ARGV: retry-after ms ('' when absent), base ms, cap ms, strike memory ms.
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
local current = redis.call('PTTL', KEYS[1])
if current < ms then redis.call('SET', KEYS[1], now + ms, 'PX', ms) end
return math.max(current, ms)
