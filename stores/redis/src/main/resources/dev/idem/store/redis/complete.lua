-- complete: stores the result of the owner of token; the record expires after the ttl.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, token, result, ttl ms, elapsed ms, node, history entries kept, expiry grace ms,
--       largest result kept in the record.
-- Reply: 1 done, 0 stale token.
local record_key, values_key, result = KEYS[1], KEYS[2], ARGV[3]
local record = fenced(record_key, ARGV[2])
if not record then return 0 end
local now = now_ms()
local expiry = now + tonumber(ARGV[4])
local keep = keep_for(expiry, tonumber(ARGV[8]), now)
record[STATE], record[LEASE], record[EXPIRY], record[ERROR] = 'C', false, expiry - record[CREATED], false
if #result <= tonumber(ARGV[9]) then
  if record[OWNS_VALUES] then redis.call('DEL', values_key) end
  record[RESULT], record[OWNS_VALUES] = result, false
else
  redis.call('DEL', values_key)
  redis.call('HSET', values_key, 'r', result)
  redis.call('PEXPIRE', values_key, keep)
  record[RESULT], record[OWNS_VALUES] = false, true
end
write(record_key, record, COMPLETED, now, ARGV[6], tonumber(ARGV[7]), keep, tonumber(ARGV[5]))
local indexes = index_keys(KEYS, 3)
reindex(indexes, ARGV[1], 'P', record)
index_completed(indexes[COMPLETED_INDEX], ARGV[1], expiry, tonumber(ARGV[8]), now)
return 1
