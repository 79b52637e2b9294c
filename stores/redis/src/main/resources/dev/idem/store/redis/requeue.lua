-- requeue: makes a dead or scheduled record due now, with a fresh attempt count.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: node, history entries kept.
-- Reply: 0 done, 1 not found, 2 wrong state.
local record_key, in_progress = KEYS[1], KEYS[2]
local record = load_record(record_key)
if not record then return 1 end
local from = record[STATE]
if from ~= 'D' and from ~= 'S' then return 2 end
local now = now_ms()
rebase(record, record[CREATED], record[OWNER], record[TOKEN], 0, record[FINGERPRINT])
record[STATE], record[NEXT] = 'S', now - record[CREATED]
write(record_key, record, REQUEUED, now, ARGV[1], tonumber(ARGV[2]))
reindex(in_progress, member_of(record_key, in_progress), from, record)
return 0
