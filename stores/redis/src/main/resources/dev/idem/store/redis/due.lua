-- claimDue: claims up to `wanted` due scheduled records of one bucket, oldest due first, as claim would.
-- A due-index entry whose record is gone or no longer scheduled is dropped; one whose record cannot be
-- read is dropped with a warning in the Redis log (find still reports the damage).
-- KEYS: the bucket's 8 indexes.
-- ARGV: record key prefix, values key prefix, wanted, lease ms, node, history entries kept.
-- Reply: {{member, token, attempt, due time, fingerprint, invocation, steps}, ...}.
local indexes, record_prefix, values_prefix = index_keys(KEYS, 1), ARGV[1], ARGV[2]
local wanted, lease, node, max = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local now = now_ms()
local jobs = {}
while #jobs < wanted do
  local due = call('ZRANGEBYSCORE', indexes[DUE_INDEX], '-inf', now, 'LIMIT', 0, wanted - #jobs)
  if #due == 0 then break end
  for _, member in ipairs(due) do
    local record_key, values_key = record_prefix .. member, values_prefix .. member
    local ok, old = pcall(load_record, record_key)
    if not ok then
      redis.log(redis.LOG_WARNING, 'idem: the due job ' .. member .. ' cannot be read and leaves the due index: '
        .. tostring(type(old) == 'table' and old.err or old))
      call('ZREM', indexes[DUE_INDEX], member)
    elseif not old or old[STATE] ~= 'S' then
      call('ZREM', indexes[DUE_INDEX], member)
    elseif time_of(old, NEXT) > now then
      call('ZADD', indexes[DUE_INDEX], integer(time_of(old, NEXT)), member)
    else
      local due_at = time_of(old, NEXT)
      local record = reclaim(record_key, values_key, indexes[STATE_INDEX.P], member, old, false, node, lease, now, RESUMED, max)
      jobs[#jobs + 1] = {member, record[TOKEN], record[ATTEMPT], due_at, record[FINGERPRINT],
        invocation(values_key, record), steps(values_key, record)}
    end
  end
end
return jobs
