-- Leave one wake token (wake.py) unless one is waiting already: a consumer fetches before it blocks, and a blocked
-- consumer is served by the LPUSH itself. KEYS: wake list. For an enqueue that ran dramatiq's own script.
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('LPUSH', KEYS[1], '1')
end
return 1
