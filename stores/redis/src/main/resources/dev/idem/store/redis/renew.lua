-- renew: extends the lease of the owner of token to now + lease.
-- KEYS: record, values, the bucket's in-progress and completed indexes.
-- ARGV: member, token, lease ms.
-- Reply: 1 done, 0 stale token.
local record_key = KEYS[1]
local record = fenced(record_key, ARGV[2])
if not record then return 0 end
local now = now_ms()
record[UPDATED], record[LEASE] = now - record[CREATED], now + tonumber(ARGV[3]) - record[CREATED]
redis.call('SET', record_key, cmsgpack.pack(record))
redis.call('ZADD', KEYS[3], integer(now), ARGV[1])
return 1
