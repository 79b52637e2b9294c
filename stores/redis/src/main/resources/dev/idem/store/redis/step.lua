-- saveStep: saves (or overwrites) a step's value for the owner of token.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: token, step name, value, node, history entries kept.
-- Reply: 1 done, 0 stale token.
local record_key, in_progress = KEYS[1], KEYS[2]
local member = member_of(record_key, in_progress)
local values_key = values_of(in_progress, member)
local record = fenced(record_key, ARGV[1])
if not record then return 0 end
local now = now_ms()
own_values(values_key, record)
call('HSET', values_key, '.' .. ARGV[2], ARGV[3])
write(record_key, record, STEP_SAVED, now, ARGV[4], tonumber(ARGV[5]), nil, nil, nil, ARGV[2])
call('ZADD', in_progress, integer(now), member)
return 1
