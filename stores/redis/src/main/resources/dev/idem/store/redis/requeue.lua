-- requeue: makes a dead or scheduled record due now, with a fresh attempt count.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, node, history entries kept.
-- Reply: 0 done, 1 not found, 2 wrong state.
local record_key, indexes = KEYS[1], index_keys(3)
local old = load_record(record_key)
if not old then return 1 end
if old.s ~= 'D' and old.s ~= 'S' then return 2 end
local now = now_ms()
local record = copy(old)
record.s, record.n, record.a, record.u = 'S', now, 0, now
write(record_key, old, record, {ev = REQUEUED, at = now, node = ARGV[2]}, tonumber(ARGV[3]))
reindex(indexes, ARGV[1], old.s, record)
return 0
