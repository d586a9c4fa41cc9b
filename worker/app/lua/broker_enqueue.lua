-- dramatiq's enqueue (the message's body, then its id at the queue's tail) and, for a queue whose idle consumers
-- wait on a wake list (wake.py), the wake token in the same call. The heartbeat is written only when the caller
-- asks (it throttles them).
-- KEYS: heartbeats zset, queue list, queue's messages hash, wake list ('' for none).
-- ARGV: timestamp (ms), broker id, write the heartbeat (1/0), message id (dramatiq's redis_message_id), message.
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[4])
-- one token is enough (wake.py): a consumer fetches before it blocks, and a blocked one is served by the LPUSH
if KEYS[4] ~= '' and redis.call('LLEN', KEYS[4]) == 0 then
  redis.call('LPUSH', KEYS[4], '1')
end
return 1
