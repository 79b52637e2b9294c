-- cancel: releases a dead or scheduled record so that no worker runs it; it is kept for the retention.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: retention ms, node, history entries kept, expiry grace ms.
-- Reply: 0 done, 1 not found, 2 wrong state.
local record_key, in_progress = KEYS[1], KEYS[2]
local member = member_of(record_key, in_progress)
local values_key = values_of(in_progress, member)
local record = load_record(record_key)
if not record then return 1 end
local from = record[STATE]
if from ~= 'D' and from ~= 'S' then return 2 end
local now = now_ms()
local expiry = now + tonumber(ARGV[1])
local keep = keep_for(expiry, tonumber(ARGV[4]), now)
record[STATE], record[NEXT], record[EXPIRY] = 'R', false, expiry - record[CREATED]
write(record_key, record, CANCELLED, now, ARGV[2], tonumber(ARGV[3]), keep)
reindex(in_progress, member, from, record)
if record[OWNS_VALUES] then call('PEXPIRE', values_key, integer(keep)) end
return 0
