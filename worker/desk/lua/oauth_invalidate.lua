-- Delete the cached token only when it still holds the refused access token. KEYS: cache. ARGV: refused token.
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, doc = pcall(cjson.decode, raw)
if (not ok) or doc['t'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
