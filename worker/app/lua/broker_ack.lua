-- dramatiq's ack: forget the message only if this broker still holds it (maintenance may have requeued it to
-- another). The heartbeat is written only when the caller asks (it throttles them).
-- KEYS: heartbeats zset, queue's messages hash, this broker's acks set for the queue.
-- ARGV: timestamp (ms), broker id, write the heartbeat (1/0), message id (dramatiq's redis_message_id).
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
if redis.call('SREM', KEYS[3], ARGV[4]) == 1 then
  redis.call('HDEL', KEYS[2], ARGV[4])
end
return 1
