-- complete: stores the result of the owner of token; the record expires after the ttl.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: result, then in MessagePack: node as a compact record's string field, token, ttl ms, in digits
--       the ttl, ',' and the elapsed ms, and the ms to keep the record (ttl + expiry grace); history entries
--       kept, expiry grace ms, largest result kept in the record.
-- Reply: 1 done, 0 stale token.
local record_key, in_progress, result = KEYS[1], KEYS[2], ARGV[1]
local owner_field, token, ttl, ttl_elapsed, keep, max, grace, inline = cmsgpack.unpack(ARGV[2])
local bytes = call('GET', record_key)
if not bytes then return 0 end
-- The completion of a first claim by its owner, with its result in the record, writes the compact form
-- without reading the record into a table; any other goes the general way.
local created, lease_end
if token == 1 and max >= 2 and #result <= inline then
  created, lease_end = first_claim_of(bytes, owner_field)
end
local now = now_digits() + 0
local member = member_of(record_key, in_progress)
local expiry = integer(now + ttl)
if lease_end then
  call('SET', record_key, completed_first_claim(bytes, created, lease_end, now, ttl_elapsed, result),
    'PX', keep)
else
  local record = fence(read_record(bytes), token)
  if not record then return 0 end
  local values_key = values_of(in_progress, member)
  record[STATE], record[LEASE], record[EXPIRY], record[ERROR] = 'C', false, expiry - record[CREATED], false
  if #result <= inline then
    if record[OWNS_VALUES] then call('DEL', values_key) end
    record[RESULT], record[OWNS_VALUES] = result, false
  else
    call('DEL', values_key)
    call('HSET', values_key, 'r', result)
    call('PEXPIRE', values_key, keep)
    record[RESULT], record[OWNS_VALUES] = false, true
  end
  write(record_key, record, COMPLETED, now, compact_string(owner_field, 1), max, keep,
    tonumber(match(ttl_elapsed, ',(.*)')))
end
-- fenced: the record was in progress, so it leaves the in-progress index and no other.
call('ZREM', in_progress, member)
index_completed(in_progress, member, expiry, grace, now)
return 1
