-- purgeExpired: removes up to `wanted` records of one bucket whose expiry has passed, with their history,
-- values and index entries: failed and released records from the expiry index first, then completed
-- records from the lists of the periods that have begun, oldest period first. Index entries left behind
-- by records that Redis already expired are removed too and counted; a record that cannot be read but
-- whose expiry has passed is removed with a warning in the Redis log.
-- KEYS: the bucket's 8 indexes.
-- ARGV: record key prefix, values key prefix, wanted.
-- Reply: {how many were removed, how many index entries were examined}.
local indexes, record_prefix, values_prefix, wanted = index_keys(KEYS, 1), ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local removed, examined = 0, 0

local function remove(member, record_key, ok, record)
  if not ok then
    redis.log(redis.LOG_WARNING, 'idem: the expired record ' .. member .. ' cannot be read and is removed: '
      .. tostring(type(record) == 'table' and record.err or record))
  end
  call('UNLINK', record_key, values_prefix .. member)
  for i = 1, EXPIRY_INDEX do call('ZREM', indexes[i], member) end
  removed = removed + 1
end

local expired = call('ZRANGEBYSCORE', indexes[EXPIRY_INDEX], '-inf', now, 'LIMIT', 0, wanted)
for _, member in ipairs(expired) do
  local record_key = record_prefix .. member
  local ok, record = pcall(load_record, record_key)
  if ok and record and EXPIRING[record[STATE]] and time_of(record, EXPIRY) > now then
    call('ZADD', indexes[EXPIRY_INDEX], integer(time_of(record, EXPIRY)), member)
  elseif ok and record and not EXPIRING[record[STATE]] then
    call('ZREM', indexes[EXPIRY_INDEX], member)
    for state in pairs(EXPIRING) do
      if STATE_INDEX[state] then call('ZREM', indexes[STATE_INDEX[state]], member) end
    end
  else
    remove(member, record_key, ok, record)
  end
end
examined = #expired

-- A completed-index entry that expired at expiry: removes its record, unless the record has since been
-- claimed afresh (then the entry is merely stale).
local function purge_completed(entry, start)
  local offset, member = match(entry, '^(%d+):(.*)$')
  examined = examined + 1
  if not offset then
    redis.log(redis.LOG_WARNING, 'idem: the completed-index entry ' .. entry .. ' cannot be read and is dropped')
    return
  end
  local record_key = record_prefix .. member
  local ok, record = pcall(load_record, record_key)
  if ok and record and (record[STATE] ~= 'C' or time_of(record, EXPIRY) ~= start + tonumber(offset)) then return end
  remove(member, record_key, ok, record)
end

-- Each period's list is read from the head, a page at a time, and only as far as needed: entries whose
-- expiry has passed are purged, the leading ones then trimmed off, any others blanked and removed.
local completed = indexes[COMPLETED_INDEX]
for _, period in ipairs(call('ZRANGEBYSCORE', completed, '-inf', period_of(now))) do
  if examined >= wanted then break end
  local list, start = completed_list(completed, period), tonumber(period) * PERIOD
  local position, head, blanked = 0, 0, false
  while examined < wanted do
    local entries = call('LRANGE', list, position, position + 999)
    for _, entry in ipairs(entries) do
      if examined >= wanted then break end
      local offset = tonumber(match(entry, '^(%d+):'))
      if not offset or start + offset <= now then
        purge_completed(entry, start)
        if head == position then
          head = head + 1
        else
          call('LSET', list, position, '')
          blanked = true
        end
      end
      position = position + 1
    end
    if #entries < 1000 then break end
  end
  if head > 0 then call('LTRIM', list, head, -1) end
  if blanked then call('LREM', list, 0, '') end
  if call('EXISTS', list) == 0 then call('ZREM', completed, period) end
end
return {removed, examined}
