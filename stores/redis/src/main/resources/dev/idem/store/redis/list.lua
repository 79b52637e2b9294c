-- list: a page of one index of one bucket, for list(query). For a state but completed, the state's
-- index, newest change first, up to the wanted matches (and any that tie with the last). For completed,
-- the completed index's lists, newest expiry period first, which are not in update order, so every entry
-- is checked against the time range. Index entries whose record is gone or in another state are skipped;
-- unreadable records are returned, so that reading them reports the damage.
-- KEYS: the index.
-- ARGV: record key prefix of the bucket, state, highest update time (ZREVRANGEBYSCORE form), lowest
--       update time, matches wanted, key prefix ('' for any), offset to start at, most entries to scan.
-- Reply: {member, update time, member, update time, ..., next offset}; the next offset is -1 when
--        nothing is left to scan.
local index, record_prefix, state = KEYS[1], ARGV[1], ARGV[2]
local highest, lowest, wanted, key_prefix = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local offset, budget = tonumber(ARGV[7]), tonumber(ARGV[8])
local matches, scanned = {}, 0

local function wanted_key(member)
  return key_prefix == '' or sub(member, 1, #key_prefix) == key_prefix
end

if state == 'C' then
  local from = lowest == '-inf' and -math.huge or tonumber(lowest)
  local to = highest == '+inf' and math.huge or tonumber(sub(highest, 2))
  local before = 0
  for _, period in ipairs(call('ZREVRANGE', index, 0, -1)) do
    local list = completed_list(index, period)
    local length = call('LLEN', list)
    local position = offset - before
    while position < length do
      if scanned >= budget then
        matches[#matches + 1] = before + position
        return matches
      end
      local page = call('LRANGE', list, position, position + math.min(100, budget - scanned) - 1)
      for _, entry in ipairs(page) do
        local offset_in_period, member = match(entry, '^(%d+):(.*)$')
        if member and wanted_key(member) then
          local current, updated = peek(record_prefix .. member)
          if current == true then
            matches[#matches + 1] = member
            matches[#matches + 1] = tonumber(period) * PERIOD + tonumber(offset_in_period)
          elseif current == 'C' and updated >= from and updated < to then
            matches[#matches + 1] = member
            matches[#matches + 1] = updated
          end
        end
      end
      position, scanned = position + #page, scanned + #page
    end
    before = before + length
    offset = math.max(offset, before)
  end
  matches[#matches + 1] = -1
  return matches
end

local found, last = 0, nil
while scanned < budget do
  local page = call('ZREVRANGEBYSCORE', index, highest, lowest, 'WITHSCORES', 'LIMIT', offset, 100)
  if #page == 0 then break end
  for i = 1, #page, 2 do
    local member, score = page[i], tonumber(page[i + 1])
    if found >= wanted and score ~= last then
      matches[#matches + 1] = -1
      return matches
    end
    offset, scanned = offset + 1, scanned + 1
    if wanted_key(member) then
      local current = peek(record_prefix .. member)
      if current == true or current == state then
        matches[#matches + 1] = member
        matches[#matches + 1] = score
        found, last = found + 1, score
      end
    end
  end
  if #page < 200 then
    matches[#matches + 1] = -1
    return matches
  end
end
matches[#matches + 1] = scanned < budget and -1 or offset
return matches
