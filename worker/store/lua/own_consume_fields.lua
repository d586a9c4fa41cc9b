-- The changed fields whose expected value matches and whose change came after the attempt; those are used up,
-- lapsed ones dropped. KEYS: own hash. ARGV: now ms, ttl ms, modified ms, then field, value pairs.
local now, ttl, modified = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local matched = {}
for i = 4, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw then
    local expected = cjson.decode(raw)
    if expected['since'] + ttl < now then
      redis.call('HDEL', KEYS[1], ARGV[i])
    elseif expected['value'] == ARGV[i + 1] and modified >= expected['since'] then
      redis.call('HDEL', KEYS[1], ARGV[i])
      table.insert(matched, ARGV[i])
    end
  end
end
return matched
