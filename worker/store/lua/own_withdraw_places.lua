-- Forget what an attempt expected, where a later action has not replaced it.
-- KEYS: the own hashes. ARGV: action id, then the field in each hash (in KEYS' order).
for i, name in ipairs(KEYS) do
  local raw = redis.call('HGET', name, ARGV[i + 1])
  if raw and cjson.decode(raw)['action'] == ARGV[1] then
    redis.call('HDEL', name, ARGV[i + 1])
  end
end
return 1
