-- fail: applies the failure outcome of the owner of token.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: token, outcome (R release, F remember, S schedule, D dead), ttl or delay ms,
--       '1' to replace the invocation, invocation, error, elapsed ms, node, history entries kept,
--       expiry grace ms.
-- Reply: 1 done, 0 stale token.
local record_key, in_progress = KEYS[1], KEYS[2]
local member = member_of(record_key, in_progress)
local values_key = values_of(in_progress, member)
local outcome, duration = ARGV[2], tonumber(ARGV[3])
local record = fenced(record_key, ARGV[1])
if not record then return 0 end
local now = now_ms()
local event, keep
record[STATE], record[ERROR], record[LEASE] = outcome, ARGV[6], false
if outcome == 'R' or outcome == 'F' then
  record[EXPIRY] = now + duration - record[CREATED]
  keep = keep_for(now + duration, tonumber(ARGV[10]), now)
  event = outcome == 'R' and RELEASED or FAILED
elseif outcome == 'S' then
  record[NEXT] = now + duration - record[CREATED]
  event = SCHEDULED
else
  event = DEAD
end
if outcome == 'F' then
  if record[OWNS_VALUES] then call('DEL', values_key) end
  record[OWNS_VALUES] = false
elseif outcome == 'S' and ARGV[4] == '1' then
  own_values(values_key, record)
  call('HSET', values_key, 'i', ARGV[5])
elseif outcome == 'R' and record[OWNS_VALUES] then
  call('PEXPIRE', values_key, integer(keep))
end
write(record_key, record, event, now, ARGV[8], tonumber(ARGV[9]), keep, tonumber(ARGV[7]), ARGV[6])
reindex(in_progress, member, 'P', record)
return 1
