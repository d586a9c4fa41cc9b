-- Write ticket snapshots unless the stored one is newer: the poller and the webhook ingress may race on a ticket,
-- and the later state must win whichever path writes last.
-- KEYS: the org's mirror hash. ARGV: id, modifiedTime, JSON snapshot, repeated (ISO times in the Desk's one
-- format, so string order is time order). Returns how many were written.
local written = 0
for i = 1, #ARGV, 3 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local keep_old = false
  if old then
    local ok, snapshot = pcall(cjson.decode, old)
    if ok and type(snapshot) == 'table' and type(snapshot.modifiedTime) == 'string' then
      keep_old = snapshot.modifiedTime > ARGV[i + 1]
    end
  end
  if not keep_old then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    written = written + 1
  end
end
return written
