-- saveStep: saves (or overwrites) a step's value for the owner of token.
-- KEYS: record, values, the bucket's in-progress and completed indexes.
-- ARGV: member, token, step name, value, node, history entries kept.
-- Reply: 1 done, 0 stale token.
local record_key, values_key = KEYS[1], KEYS[2]
local record = fenced(record_key, ARGV[2])
if not record then return 0 end
local now = now_ms()
own_values(values_key, record)
redis.call('HSET', values_key, '.' .. ARGV[3], ARGV[4])
write(record_key, record, STEP_SAVED, now, ARGV[5], tonumber(ARGV[6]), nil, nil, nil, ARGV[3])
redis.call('ZADD', KEYS[3], integer(now), ARGV[1])
return 1
