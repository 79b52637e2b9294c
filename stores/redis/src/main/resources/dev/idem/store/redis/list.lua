-- list: a page of one state index of one bucket, newest change first, for list(query). Index entries
-- whose record is gone or in another state are skipped; unreadable records are returned, so that
-- reading them reports the damage.
-- KEYS: the state index.
-- ARGV: record key prefix of the bucket, state, highest score (ZREVRANGEBYSCORE form), lowest score,
--       matches wanted, key prefix ('' for any), offset to start at, most entries to scan.
-- Reply: {member, score, member, score, ..., next offset}; the next offset is -1 when nothing is left
--        to scan. Entries that tie with the last match are included beyond the wanted count.
local index, record_prefix, state = KEYS[1], ARGV[1], ARGV[2]
local highest, lowest, wanted, key_prefix = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local offset, budget = tonumber(ARGV[7]), tonumber(ARGV[8])
local matches, found, last, scanned = {}, 0, nil, 0
while scanned < budget do
  local page = redis.call('ZREVRANGEBYSCORE', index, highest, lowest, 'WITHSCORES', 'LIMIT', offset, 100)
  if #page == 0 then break end
  for i = 1, #page, 2 do
    local member, score = page[i], tonumber(page[i + 1])
    if found >= wanted and score ~= last then
      matches[#matches + 1] = -1
      return matches
    end
    offset, scanned = offset + 1, scanned + 1
    if key_prefix == '' or string.sub(member, 1, #key_prefix) == key_prefix then
      local record_key = record_prefix .. member
      local current = redis.pcall('HGET', record_key, 's')
      if type(current) == 'table' or current == state
          or (not current and redis.call('EXISTS', record_key) == 1) then
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
