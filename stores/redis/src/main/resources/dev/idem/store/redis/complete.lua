-- complete: stores the result of the owner of token; the record expires after the ttl.
-- KEYS: record, values, the bucket's in-progress and completed indexes.
-- ARGV: member, result, then in MessagePack: node as a compact record's string field, token, ttl ms,
--       elapsed ms, history entries kept, expiry grace ms, largest result kept in the record.
-- Reply: 1 done, 0 stale token.
local record_key, values_key, result = KEYS[1], KEYS[2], ARGV[2]
local owner_field, token, ttl, elapsed, max, grace, inline = cmsgpack.unpack(ARGV[3])
local bytes = redis.call('GET', record_key)
if not bytes then return 0 end
-- The completion of a first claim by its owner, with its result in the record, writes the compact form
-- without reading the record into a table; any other goes the general way.
local lease_end, created, digits
if token == 1 and elapsed and max >= 2 and #result <= inline then
  lease_end, created, digits = first_claim_of(bytes, owner_field)
end
local keep = ttl + grace
local now, expiry
if lease_end then
  now = now_ms()
  expiry = now + ttl
  redis.call('SET', record_key, completed_first_claim(bytes, lease_end, created, digits, now, expiry, result, elapsed),
    'PX', string.format('%d', keep))
else
  local record = fence(read_record(bytes), token)
  if not record then return 0 end
  now = now_ms()
  expiry = now + ttl
  record[STATE], record[LEASE], record[EXPIRY], record[ERROR] = 'C', false, expiry - record[CREATED], false
  if #result <= inline then
    if record[OWNS_VALUES] then redis.call('DEL', values_key) end
    record[RESULT], record[OWNS_VALUES] = result, false
  else
    redis.call('DEL', values_key)
    redis.call('HSET', values_key, 'r', result)
    redis.call('PEXPIRE', values_key, integer(keep))
    record[RESULT], record[OWNS_VALUES] = false, true
  end
  write(record_key, record, COMPLETED, now, compact_string(owner_field, 1), max, keep, elapsed)
end
-- fenced: the record was in progress, so it leaves the in-progress index and no other.
redis.call('ZREM', KEYS[3], ARGV[1])
index_completed(KEYS[4], ARGV[1], expiry, grace, now)
return 1
