-- Forget what an action expected, where a later action has not replaced it.
-- KEYS: the action's index set. ARGV: action id.
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local place = cjson.decode(member)
  local raw = redis.call('HGET', place[1], place[2])
  if raw and cjson.decode(raw)['action'] == ARGV[1] then
    redis.call('HDEL', place[1], place[2])
  end
end
return redis.call('DEL', KEYS[1])
