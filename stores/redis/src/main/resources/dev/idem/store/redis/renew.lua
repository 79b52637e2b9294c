-- renew: extends the lease of the owner of token to now + lease.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: token, lease ms.
-- Reply: 1 done, 0 stale token.
local record_key, in_progress = KEYS[1], KEYS[2]
local record = fenced(record_key, ARGV[1])
if not record then return 0 end
local now = now_ms()
record[UPDATED], record[LEASE] = now - record[CREATED], now + tonumber(ARGV[2]) - record[CREATED]
call('SET', record_key, cmsgpack.pack(record))
call('ZADD', in_progress, integer(now), member_of(record_key, in_progress))
return 1
