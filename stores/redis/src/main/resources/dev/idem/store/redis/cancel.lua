-- cancel: releases a dead or scheduled record so that no worker runs it; it is kept for the retention.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, retention ms, node, history entries kept, expiry grace ms.
-- Reply: 0 done, 1 not found, 2 wrong state.
local record_key, values_key, indexes = KEYS[1], KEYS[2], index_keys(3)
local old = load_record(record_key)
if not old then return 1 end
if old.s ~= 'D' and old.s ~= 'S' then return 2 end
local now = now_ms()
local record = copy(old)
record.s, record.n, record.x, record.u = 'R', nil, now + tonumber(ARGV[2]), now
write(record_key, old, record, {ev = CANCELLED, at = now, node = ARGV[3]}, tonumber(ARGV[4]))
reindex(indexes, ARGV[1], old.s, record)
expire(record_key, values_key, record, tonumber(ARGV[5]))
return 0
