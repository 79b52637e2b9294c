-- list: a page of one index of one bucket, for list(query). For a state but completed, the state's
-- index, newest change first, up to the wanted matches (and any that tie with the last). For completed,
-- the expiry index, which is not in update order, so every entry is checked against the time range.
-- Index entries whose record is gone or in another state are skipped; unreadable records are returned,
-- so that reading them reports the damage.
-- KEYS: the index.
-- ARGV: record key prefix of the bucket, state, highest update time (ZREVRANGEBYSCORE form), lowest
--       update time, matches wanted, key prefix ('' for any), offset to start at, most entries to scan.
-- Reply: {member, update time, member, update time, ..., next offset}; the next offset is -1 when
--        nothing is left to scan.
local index, record_prefix, state = KEYS[1], ARGV[1], ARGV[2]
local highest, lowest, wanted, key_prefix = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local offset, budget = tonumber(ARGV[7]), tonumber(ARGV[8])
local by_expiry = state == 'C'
local from, to = -math.huge, math.huge
if by_expiry then
  if lowest ~= '-inf' then from = tonumber(lowest) end
  if highest ~= '+inf' then to = tonumber(string.sub(highest, 2)) end
  highest, lowest = '+inf', '-inf'
end
local matches, found, last, scanned = {}, 0, nil, 0
while scanned < budget do
  local page = redis.call('ZREVRANGEBYSCORE', index, highest, lowest, 'WITHSCORES', 'LIMIT', offset, 100)
  if #page == 0 then break end
  for i = 1, #page, 2 do
    local member, score = page[i], tonumber(page[i + 1])
    if not by_expiry and found >= wanted and score ~= last then
      matches[#matches + 1] = -1
      return matches
    end
    offset, scanned = offset + 1, scanned + 1
    if key_prefix == '' or string.sub(member, 1, #key_prefix) == key_prefix then
      local current, updated = peek(record_prefix .. member)
      if current == true or (current == state and (not by_expiry or (updated >= from and updated < to))) then
        matches[#matches + 1] = member
        matches[#matches + 1] = by_expiry and updated or score
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
