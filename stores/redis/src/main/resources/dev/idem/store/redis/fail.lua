-- fail: applies the failure outcome of the owner of token.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member, token, outcome (R release, F remember, S schedule, D dead), ttl or delay ms,
--       '1' to replace the invocation, invocation, error, elapsed ms, node, history entries kept,
--       expiry grace ms.
-- Reply: 1 done, 0 stale token.
local record_key, values_key, indexes = KEYS[1], KEYS[2], index_keys(3)
local member, outcome, duration, grace = ARGV[1], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[11])
local old = fenced(record_key, ARGV[2])
if not old then return 0 end
local now = now_ms()
local record = copy(old)
record.s, record.u, record.e, record.l = outcome, now, ARGV[7], nil
local event
if outcome == 'R' then
  record.x = now + duration
  event = RELEASED
elseif outcome == 'F' then
  record.x = now + duration
  event = FAILED
elseif outcome == 'S' then
  record.n = now + duration
  event = SCHEDULED
else
  event = DEAD
end
write(record_key, old, record, {ev = event, at = now, node = ARGV[9], el = tonumber(ARGV[8]), err = ARGV[7]},
  tonumber(ARGV[10]))
reindex(indexes, member, 'P', record)
if outcome == 'F' then
  redis.call('DEL', values_key)
elseif outcome == 'S' and ARGV[5] == '1' then
  redis.call('HSET', values_key, 'i', ARGV[6])
end
if record.x then
  redis.call('PEXPIREAT', record_key, record.x + grace)
  if outcome == 'R' then redis.call('PEXPIREAT', values_key, record.x + grace) end
end
return 1
