-- dramatiq's fetch in three commands whatever the count: one LPOP with a count, one SADD of every id taken, one
-- HMGET of their bodies (dramatiq's own script pops and SADDs one id at a time). The heartbeat is written only when
-- the caller asks (it throttles them).
-- KEYS: heartbeats zset, queue list, queue's messages hash, this broker's acks set for the queue.
-- ARGV: timestamp (ms), broker id, write the heartbeat (1/0), count (at most dramatiq's max unpack size).
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
local ids = redis.call('LPOP', KEYS[2], ARGV[4])
if not ids or #ids == 0 then  -- an empty list answers nil (not an empty array) to LPOP with a count
  return {}
end
redis.call('SADD', KEYS[4], unpack(ids))
return redis.call('HMGET', KEYS[3], unpack(ids))
