-- claim: creates the record, takes over an expired lease or a due scheduled record, or answers with the
-- record's state.
-- KEYS: record, the bucket's in-progress index.
-- ARGV: the claim as the end of a compact first claim (the lease ms, ',', then node, fingerprint and
--       original key as its string fields), history entries kept.
-- Reply: {1, token, attempt, event, steps} claimed; 1 claimed as a new record (token 1, attempt 1,
--        claimed, no steps: a bare number costs Redis less to write than an array, and the client's
--        MULTI output reads it as a list of one); {2, result} completed; {3, error} failed; {4, lease end,
--        owner} in progress; {5} mismatch; {6, next attempt} scheduled; {7, error, attempt} dead.
local record_key, in_progress = KEYS[1], KEYS[2]
local digits = now_digits()
local compact = 'p' .. digits .. ',' .. ARGV[1]

-- Redis 7 creates the record and reads the one there was in one command. Where that command is refused
-- (before Redis 7, or while Redis refuses writes, when a duplicate must still get its answer), or the key
-- holds no string, a GET reads the record instead.
local bytes, created
if SET_GETS then
  bytes = protected_call('SET', record_key, compact, 'NX', 'GET')
  created = not bytes
  if type(bytes) ~= 'string' then bytes = nil end
end
local old = not created and (bytes and read_record(bytes) or load_record(record_key))

if not old then
  if not created then call('SET', record_key, compact) end
  call('ZADD', in_progress, digits, member_of(record_key, in_progress))
  return 1
end

local member = member_of(record_key, in_progress)
local values_key = values_of(in_progress, member)

local now = tonumber(digits)
local claimant = read_compact(compact, FIRST_CLAIM)
local fingerprint, node, original, lease = claimant[FINGERPRINT], claimant[OWNER], claimant[ORIGINAL], claimant[LEASE]
local max = tonumber(ARGV[2])

local state = old[STATE]
if EXPIRING[state] and now >= time_of(old, EXPIRY) then
  if state == 'C' then unindex_completed(index_of(in_progress, 'C'), member, time_of(old, EXPIRY)) end
  if old[OWNS_VALUES] then call('DEL', values_key) end
  rebase(old, now, node, old[TOKEN] + 1, 1, fingerprint)
  old[STATE], old[ORIGINAL], old[LEASE] = 'P', original, lease
  old[NEXT], old[EXPIRY], old[ERROR], old[RESULT], old[OWNS_VALUES] = false, false, false, false, false
  write(record_key, old, CLAIMED, now, node, max)
  reindex(in_progress, member, state, old)
  return {1, old[TOKEN], 1, CLAIMED, {}}
end

if fingerprint and old[FINGERPRINT] and fingerprint ~= old[FINGERPRINT] then return {5} end

local event
if state == 'P' then
  local lease_end = time_of(old, LEASE)
  if now < lease_end then return {4, lease_end, old[OWNER]} end
  event = TAKEN_OVER
elseif state == 'R' then
  event = CLAIMED
elseif state == 'S' then
  local next_attempt = time_of(old, NEXT)
  if now < next_attempt then return {6, next_attempt} end
  event = RESUMED
elseif state == 'C' then
  return {2, result_of(old, values_key)}
elseif state == 'F' then
  return {3, old[ERROR]}
else
  return {7, old[ERROR] or false, old[ATTEMPT]}
end
local record = reclaim(record_key, values_key, in_progress, member, old, fingerprint, node, lease, now, event, max)
return {1, record[TOKEN], record[ATTEMPT], event, steps(values_key, record)}
