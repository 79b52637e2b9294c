-- find: the record of a key.
-- KEYS: record, the bucket's in-progress index.
-- Reply: {} when there is none, else {state, token, attempt, owner, fingerprint, original key, created,
--        updated, lease end, next attempt, expiry, result, error, invocation, steps}.
local record_key, in_progress = KEYS[1], KEYS[2]
local record = load_record(record_key)
if not record then return {} end
local values_key = values_of(in_progress, member_of(record_key, in_progress))
local result = false
if record[STATE] == 'C' then result = result_of(record, values_key) end
return {record[STATE], record[TOKEN], record[ATTEMPT], record[OWNER], record[FINGERPRINT], record[ORIGINAL],
  record[CREATED], time_of(record, UPDATED), time_of(record, LEASE) or false, time_of(record, NEXT) or false,
  time_of(record, EXPIRY) or false, result, record[ERROR], invocation(values_key, record), steps(values_key, record)}
