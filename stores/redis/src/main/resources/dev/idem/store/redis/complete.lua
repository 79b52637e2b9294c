-- complete: stores the result of the owner of token; the record expires after the ttl.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, token, result, ttl ms, elapsed ms, node, history entries kept, expiry grace ms,
--       largest result kept in the record hash.
-- Reply: 1 done, 0 stale token.
local record_key, values_key, indexes = KEYS[1], KEYS[2], index_keys(3)
local member, result, grace = ARGV[1], ARGV[3], tonumber(ARGV[8])
local inline = #result <= tonumber(ARGV[9])
local old = fenced(record_key, ARGV[2])
if not old then return 0 end
local now = now_ms()
local record = copy(old)
record.s, record.u, record.x, record.l, record.e = 'C', now, now + tonumber(ARGV[4]), nil, nil
write(record_key, old, record, {ev = COMPLETED, at = now, node = ARGV[6], el = tonumber(ARGV[5])}, tonumber(ARGV[7]),
  inline and {'r', result})
redis.call('DEL', values_key)
reindex(indexes, member, 'P', record)
redis.call('PEXPIREAT', record_key, record.x + grace)
if not inline then
  redis.call('HSET', values_key, 'r', result)
  redis.call('PEXPIREAT', values_key, record.x + grace)
end
return 1
