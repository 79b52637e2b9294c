-- purgeExpired: removes up to `wanted` records of one bucket whose expiry has passed, with their history,
-- values and index entries. Index entries left behind by records that Redis already expired are
-- removed too and counted; a record that cannot be read but whose expiry has passed is removed with a
-- warning in the Redis log.
-- KEYS: the bucket's 7 indexes.
-- ARGV: record key prefix, values key prefix, wanted.
-- Reply: {how many were removed, how many expiry entries were examined}.
local indexes, record_prefix, values_prefix, wanted = index_keys(KEYS, 1), ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local removed = 0
local expired = redis.call('ZRANGEBYSCORE', indexes[EXPIRY_INDEX], '-inf', now, 'LIMIT', 0, wanted)
for _, member in ipairs(expired) do
  local record_key = record_prefix .. member
  local ok, record = pcall(load_record, record_key)
  if ok and record and EXPIRING[record[STATE]] and time_of(record, EXPIRY) > now then
    redis.call('ZADD', indexes[EXPIRY_INDEX], time_of(record, EXPIRY), member)
  elseif ok and record and not EXPIRING[record[STATE]] then
    redis.call('ZREM', indexes[EXPIRY_INDEX], member)
    for state in pairs(EXPIRING) do
      if STATE_INDEX[state] then redis.call('ZREM', indexes[STATE_INDEX[state]], member) end
    end
  else
    if not ok then
      redis.log(redis.LOG_WARNING, 'idem: the expired record ' .. member .. ' cannot be read and is removed: '
        .. tostring(type(record) == 'table' and record.err or record))
    end
    redis.call('UNLINK', record_key, values_prefix .. member)
    for i = 1, INDEXES do redis.call('ZREM', indexes[i], member) end
    removed = removed + 1
  end
end
return {removed, #expired}
