-- claim: creates the record, takes over an expired lease or a due scheduled record, or answers with the
-- record's state.
-- KEYS: record, values, the bucket's 8 indexes.
-- ARGV: member (the key), fingerprint ('' for none), lease ms, node, original key ('' for none),
--       history entries kept.
-- Reply: {1, token, attempt, event, steps} claimed, {2, result} completed, {3, error} failed,
--        {4, lease end, owner} in progress, {5} mismatch, {6, next attempt} scheduled,
--        {7, error, attempt} dead.
local record_key, values_key, indexes = KEYS[1], KEYS[2], index_keys(3)
local member, node, lease, max = ARGV[1], ARGV[4], tonumber(ARGV[3]), tonumber(ARGV[6])
local fingerprint = ARGV[2] ~= '' and ARGV[2] or nil
local now = now_ms()
local old = load_record(record_key)

if not old or (EXPIRING[old.s] and now >= old.x) then
  local record = {s = 'P', t = old and old.t + 1 or 1, a = 1, o = node, f = fingerprint,
    k = ARGV[5] ~= '' and ARGV[5] or nil, c = now, u = now, l = now + lease}
  write(record_key, old, record, {ev = CLAIMED, at = now, node = node}, max)
  if old then
    if old.r then redis.call('HDEL', record_key, 'r') end
    redis.call('PERSIST', record_key)
  end
  redis.call('DEL', values_key)
  reindex(indexes, member, old and old.s, record)
  return {1, record.t, record.a, CLAIMED, {}}
end

if fingerprint and old.f and fingerprint ~= old.f then return {5} end

local event
if old.s == 'P' then
  if now < old.l then return {4, old.l, old.o} end
  event = TAKEN_OVER
elseif old.s == 'R' then
  event = CLAIMED
elseif old.s == 'S' then
  if now < old.n then return {6, old.n} end
  event = RESUMED
elseif old.s == 'C' then
  return {2, result_of(old, values_key)}
elseif old.s == 'F' then
  return {3, old.e}
else
  return {7, old.e or false, old.a}
end
local record = reclaim(record_key, values_key, indexes, member, old, fingerprint, node, lease, now, event, max)
return {1, record.t, record.a, event, steps(values_key)}
