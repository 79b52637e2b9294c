-- find: the record of a key.
-- KEYS: record, values.
-- Reply: {} when there is none, else {state, token, attempt, owner, fingerprint, original key, created,
--        updated, lease end, next attempt, expiry, result, error, invocation, steps}.
local record_key, values_key = KEYS[1], KEYS[2]
local record = load_record(record_key)
if not record then return {} end
local result = false
if record.s == 'C' then result = result_of(record, values_key) end
return {record.s, record.t, record.a, record.o, record.f or false, record.k or false, record.c, record.u,
  record.l or false, record.n or false, record.x or false, result, record.e or false,
  redis.call('HGET', values_key, 'i'), steps(values_key)}
