-- renew: extends the lease of the owner of token to now + lease.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, token, lease ms.
-- Reply: 1 done, 0 stale token.
local record_key, indexes = KEYS[1], index_keys(3)
local record = fenced(record_key, ARGV[2])
if not record then return 0 end
local now = now_ms()
redis.call('HSET', record_key, 'u', now - record.c, 'l', tonumber(ARGV[3]))
redis.call('ZADD', indexes[STATE_INDEX.P], now, ARGV[1])
return 1
