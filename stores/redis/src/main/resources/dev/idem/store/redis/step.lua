-- saveStep: saves (or overwrites) a step's value for the owner of token.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, token, step name, value, node, history entries kept.
-- Reply: 1 done, 0 stale token.
local record_key, values_key, indexes = KEYS[1], KEYS[2], index_keys(3)
local old = fenced(record_key, ARGV[2])
if not old then return 0 end
local now = now_ms()
local record = copy(old)
record.u = now
write(record_key, old, record, {ev = STEP_SAVED, at = now, node = ARGV[5], det = ARGV[3]}, tonumber(ARGV[6]))
redis.call('HSET', values_key, '.' .. ARGV[3], ARGV[4])
redis.call('ZADD', indexes[STATE_INDEX.P], now, ARGV[1])
return 1
