-- Idem Redis store: the functions every operation shares. On Redis 7 or later the store loads this file
-- and every operation as one library (FUNCTION LOAD) and calls the operations with FCALL; otherwise an
-- operation's script is this file followed by the operation's own, run with EVALSHA. Either way each
-- operation is one atomic step.
--
-- A record is one string, its record key, in one of two forms. Most of a record's transitions write a
-- MessagePack array (positions below): state (P in progress, C completed, F failed, R released, S
-- scheduled, D dead), fencing token, attempt, owner node, fingerprint, original key, created (epoch ms,
-- the primary's TIME), then updated, lease end, next attempt and expiry (ms after created), last error,
-- result (when small), whether the values key belongs to this record, sequence number of the newest history
-- entry, and from HISTORY on the newest history entries, newest first. false stands for none. Scripts work
-- on that array as it is: a transition reads it with one GET, changes it in place and writes it with one
-- SET, which also sets or clears its TTL.
--
-- The two transitions of most records, a claim of a new key and its completion by its owner with a small
-- result, write a compact form instead, which string operations build and fence at a fraction of
-- MessagePack's cost:
--   p<created>,<lease end>,<owner><fingerprint><original key>
--   d<created>,<updated>,<ttl>,<elapsed>,<owner><fingerprint><original key><result>
-- Numbers are decimal digits, times as in the array (the expiry is updated + ttl); each string but the
-- result is one byte n and then n bytes when n < 254, the byte 254 for none, or the byte 255, four bytes of
-- its length (big-endian) and its bytes; the result is the rest. A p record is token 1, attempt 1,
-- sequence 1 and the history entry {CLAIMED, 0}; a d record is token 1, attempt 1, sequence 2, no values
-- and the history entries {COMPLETED, updated, elapsed} and {CLAIMED, 0}. read_record reads both forms as
-- the array; every other transition writes the array. (The previous snapshot's c form, which held the
-- expiry instead of the ttl, reads as damaged.)
--
-- A history entry is an array: event, time (ms after created), elapsed ms, error, step name, then node,
-- token, attempt and fingerprint ('' for none), each left out while it equals the record's own owner,
-- token, attempt and fingerprint. A transition that changes those first writes them into the older
-- entries (which MessagePack then stores as a map, for the gaps), so a typical entry takes 4 to 8 bytes.
--
-- Saved steps (".name"), the invocation (i) and large results (r) live in a hash, the values key. It is
-- read only while the record says it owns it; the first write to it in a record's life deletes what an
-- earlier life left there.
--
-- Every bucket has eight indexes: a sorted set per state but completed (score: updated time), due
-- (scheduled records by next attempt), expiry (failed and released records by expiry) and the completed
-- index. A script on a bucket gets them in that order. A script on one record gets the in-progress index
-- only, and names the others after it: its name ends in P, theirs in the state's letter, 'due', 'exp' or
-- C instead, so they share its hash tag and its slot (see member_of).
--
-- Completed records, the bulk of any store, are in lists by expiry period instead of a sorted set, which
-- costs a fifth of the memory: the list of period p (expiries from p * PERIOD ms on) is the completed
-- index's key followed by ':' and p, its entries are the expiry's offset in the period (four digits, the
-- expiry's last), ':' and the member, and the completed index itself is a sorted set of the periods that have a list. A list and the
-- set live as long as the records in them.

-- The string functions, as locals: Redis runs a function with empty globals that look names up in the
-- real ones, so a call of string.sub costs three table lookups where a local costs none. A library's code
-- cannot see the string table while it loads, but every string can, as its metatable's __index.
local byte, find, format, match, sub = ('').byte, ('').find, ('').format, ('').match, ('').sub
-- redis.call and redis.pcall, as locals for the same reason. A library's code cannot see them while it
-- loads, so every operation starts by binding them (Scripts puts `if not call then bind() end` first).
local call, protected_call
local function bind()
  call, protected_call = redis.call, redis.pcall
end
-- Whether SET can answer with the value it replaces (Redis 7).
local SET_GETS = (redis.REDIS_VERSION_NUM or 0) >= 0x070000

local STATE, TOKEN, ATTEMPT, OWNER, FINGERPRINT, ORIGINAL, CREATED = 1, 2, 3, 4, 5, 6, 7
local UPDATED, LEASE, NEXT, EXPIRY, ERROR, RESULT, OWNS_VALUES, SEQUENCE, HISTORY = 8, 9, 10, 11, 12, 13, 14, 15, 16
local ENTRY_NODE, ENTRY_TOKEN, ENTRY_ATTEMPT, ENTRY_FINGERPRINT = 6, 7, 8, 9

local EXPIRING = {C = true, F = true, R = true}
local EXPIRY_INDEXED = {F = true, R = true}
local STATE_INDEX = {P = 1, F = 2, R = 3, S = 4, D = 5}
local DUE_INDEX, EXPIRY_INDEX, COMPLETED_INDEX, INDEXES = 6, 7, 8, 8
local PERIOD = 10000
local HUGE = 2 ^ 53

local CLAIMED, TAKEN_OVER, RESUMED, COMPLETED, FAILED, RELEASED, SCHEDULED, DEAD, STEP_SAVED, REQUEUED, CANCELLED =
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11

-- A whole number as Redis's argument or as part of a key or an index entry. Redis 7.0 writes a number given
-- to redis.call with '%.17g', as Lua's concatenation writes one with '%.14g', both far slower than '%d'.
local function integer(number)
  return format('%d', number)
end

local function now_ms()
  local time = call('TIME')
  local micros = tonumber(time[2])
  return tonumber(time[1]) * 1000 + (micros - micros % 1000) / 1000
end

-- The primary's clock as the digits of epoch ms, made of TIME's two numbers as strings: the claim of a new
-- key writes the time only as digits, and every number Lua reads from digits costs a strtod (tonumber: two).
local function clock_digits(seconds, micros)
  if #micros == 6 then return seconds .. sub(micros, 1, 3) end
  return seconds .. sub('00000' .. micros, -6, -4)
end

local function now_digits()
  local time = call('TIME')
  return clock_digits(time[1], time[2])
end

-- The period of PERIOD ms that holds time.
local function period_of(time)
  return (time - time % PERIOD) / PERIOD
end

local function corrupt(why)
  error({err = 'IDEMCORRUPT ' .. why})
end

-- A script on one record gets two keys: the record's and its bucket's in-progress index. The record key is
-- the bucket's prefix, 'r:' and the member (the key as the application names it), the in-progress index the
-- prefix and 'i:P', so the member, the values key and the other indexes follow from those two. Every key
-- and argument of a call costs Redis about a microsecond, and these names are used off a first call's path
-- or cost less to make.
local function member_of(record_key, in_progress)
  return sub(record_key, #in_progress)
end

local function values_of(in_progress, member)
  return sub(in_progress, 1, -4) .. 'v:' .. member
end

-- The bucket index called name (a state's letter, 'due' or 'exp'), next to the in-progress index.
local function index_of(in_progress, name)
  if name == 'P' then return in_progress end
  return sub(in_progress, 1, -2) .. name
end

local function index_keys(keys, first)
  local indexes = {}
  for i = 0, INDEXES - 1 do indexes[i + 1] = keys[first + i] end
  return indexes
end

-- The absolute time of a time field, nil when it has none.
local function time_of(record, position)
  local offset = record[position]
  return offset and record[CREATED] + offset or nil
end

local function check(record, position, name, kind, required)
  local value = record[position]
  if value == false or value == nil then
    if required then corrupt('field ' .. position .. ' (' .. name .. ') is missing') end
  elseif type(value) ~= kind then
    corrupt('field ' .. position .. ' (' .. name .. ') is not a ' .. kind)
  end
end

-- Whether every field of record has its type, as the checks of read_record require, without calling a
-- function per field: a comparison of a number with a number, or of a string with a string, is true here,
-- and one of any other pair raises an error, which the pcall of well_formed turns into false.
local function typed(record, state)
  local lease, next_attempt, expiry, err = record[LEASE], record[NEXT], record[EXPIRY], record[ERROR]
  return record[TOKEN] <= HUGE and record[ATTEMPT] <= HUGE and record[CREATED] <= HUGE
    and record[UPDATED] <= HUGE and record[SEQUENCE] <= HUGE and record[OWNER] >= ''
    and (record[OWNS_VALUES] == true or record[OWNS_VALUES] == false)
    and (not record[FINGERPRINT] or record[FINGERPRINT] >= '')
    and (not record[ORIGINAL] or record[ORIGINAL] >= '')
    and (not record[RESULT] or record[RESULT] >= '')
    and (lease and lease <= HUGE or not lease and state ~= 'P')
    and (next_attempt and next_attempt <= HUGE or not next_attempt and state ~= 'S')
    and (expiry and expiry <= HUGE or not expiry and not EXPIRING[state])
    and (err and err >= '' or not err and state ~= 'F')
end

local function well_formed(record, state)
  local ok, typed_right = pcall(typed, record, state)
  return ok and typed_right
end

-- The compact forms of a record, by their first byte: 'p' and 'd'; the first byte of a string field that
-- is none, and of one of 254 bytes or more.
local FIRST_CLAIM, FIRST_COMPLETION = 112, 100
local NONE, LONG = 254, 255

-- The string field of a compact record at pos, false for none, and where the next field starts; nil when
-- it cannot be read.
local function compact_string(bytes, pos)
  local length = byte(bytes, pos)
  if length == NONE then return false, pos + 1 end
  if length == LONG then
    local a, b, c, d = byte(bytes, pos + 1, pos + 4)
    if not d then return nil end
    length, pos = ((a * 256 + b) * 256 + c) * 256 + d, pos + 4
  elseif not length then
    return nil
  end
  local finish = pos + length
  if finish > #bytes then return nil end
  return sub(bytes, pos + 1, finish), finish + 1
end

-- The owner, fingerprint and original key of a compact record, from pos on, and where they end; nil when
-- they cannot be read.
local function identity_at(bytes, pos)
  local owner, fingerprint, original
  owner, pos = compact_string(bytes, pos)
  if not owner then return nil end
  fingerprint, pos = compact_string(bytes, pos)
  if fingerprint == nil then return nil end
  original, pos = compact_string(bytes, pos)
  if original == nil then return nil end
  return pos, owner, fingerprint, original
end

local function within(...)
  for i = 1, select('#', ...) do
    if math.abs(select(i, ...)) > HUGE then return false end
  end
  return true
end

-- A compact record (form: its first byte) as the array. Raises IDEMCORRUPT when it cannot be read.
local function read_compact(bytes, form)
  if form == FIRST_CLAIM then
    local _, finish, created, lease = find(bytes, '^p(%d+),(%d+),')
    local after, owner, fingerprint, original
    if finish then after, owner, fingerprint, original = identity_at(bytes, finish + 1) end
    created, lease = tonumber(created), tonumber(lease)
    if after ~= #bytes + 1 or not within(created, lease) then corrupt('its compact form of a first claim cannot be read') end
    return {'P', 1, 1, owner, fingerprint, original, created, 0, lease, false, false, false, false, false, 1,
      {CLAIMED, 0}}
  end
  local _, finish, created, updated, ttl, elapsed = find(bytes, '^d(%d+),(%-?%d+),(%d+),(%-?%d+),')
  local after, owner, fingerprint, original
  if finish then after, owner, fingerprint, original = identity_at(bytes, finish + 1) end
  created, updated, ttl, elapsed = tonumber(created), tonumber(updated), tonumber(ttl), tonumber(elapsed)
  if not after or not within(created, updated, ttl, elapsed) then
    corrupt('its compact form of a first completion cannot be read')
  end
  return {'C', 1, 1, owner, fingerprint, original, created, updated, false, false, updated + ttl, false,
    sub(bytes, after), false, 2, {COMPLETED, updated, elapsed}, {CLAIMED, 0}}
end

-- The record stored as bytes. Raises IDEMCORRUPT, naming the first field that is wrong, when it cannot be
-- read.
local function read_record(bytes)
  local form = byte(bytes, 1)
  if form == FIRST_CLAIM or form == FIRST_COMPLETION then return read_compact(bytes, form) end
  local ok, record = pcall(cmsgpack.unpack, bytes)
  if not ok or type(record) ~= 'table' then corrupt('it is not a MessagePack array') end
  local state = record[STATE]
  if not STATE_INDEX[state] and state ~= 'C' then
    corrupt("field 1 (the state) holds an impossible state '" .. tostring(state) .. "'")
  end
  if well_formed(record, state) then return record end
  check(record, TOKEN, 'token', 'number', true)
  check(record, ATTEMPT, 'attempt', 'number', true)
  check(record, OWNER, 'owner', 'string', true)
  check(record, FINGERPRINT, 'fingerprint', 'string')
  check(record, ORIGINAL, 'original key', 'string')
  check(record, CREATED, 'created', 'number', true)
  check(record, UPDATED, 'updated', 'number', true)
  check(record, LEASE, 'lease end', 'number', state == 'P')
  check(record, NEXT, 'next attempt', 'number', state == 'S')
  check(record, EXPIRY, 'expiry', 'number', EXPIRING[state])
  check(record, ERROR, 'error', 'string', state == 'F')
  check(record, RESULT, 'result', 'string')
  check(record, SEQUENCE, 'sequence', 'number', true)
  if type(record[OWNS_VALUES]) ~= 'boolean' then corrupt('field 14 (owns values) is not a boolean') end
  return record
end

-- The record at key, nil when there is none, as read_record reads it (and Redis raises WRONGTYPE when the
-- key holds no string).
local function load_record(key)
  local bytes = call('GET', key)
  return bytes and read_record(bytes) or nil
end

-- The state and update time of the record at key, without checking the rest: nil when there is none,
-- true when it cannot be read.
local function peek(key)
  local bytes = protected_call('GET', key)
  if not bytes then return nil end
  if type(bytes) ~= 'string' then return true end
  local form = byte(bytes, 1)
  if form == FIRST_CLAIM then
    local created = tonumber(match(bytes, '^p(%d+),'))
    if not created then return true end
    return 'P', created
  elseif form == FIRST_COMPLETION then
    local created, updated = match(bytes, '^d(%d+),(%-?%d+),')
    if not created then return true end
    return 'C', tonumber(created) + tonumber(updated)
  end
  local ok, record = pcall(cmsgpack.unpack, bytes)
  if not ok or type(record) ~= 'table' or (not STATE_INDEX[record[STATE]] and record[STATE] ~= 'C')
      or type(record[CREATED]) ~= 'number' or type(record[UPDATED]) ~= 'number' then
    return true
  end
  return record[STATE], record[CREATED] + record[UPDATED]
end

-- History entry i (1: the newest) as a table with absolute time, node, token, attempt and fingerprint.
local function entry_at(record, i)
  local packed = record[HISTORY + i - 1]
  local sequence = record[SEQUENCE] - i + 1
  if type(packed) ~= 'table' or type(packed[1]) ~= 'number' or type(packed[2]) ~= 'number' then
    corrupt('history entry ' .. sequence .. ' cannot be read')
  end
  local fingerprint = packed[ENTRY_FINGERPRINT]
  if fingerprint == '' then
    fingerprint = false
  elseif not fingerprint then
    fingerprint = record[FINGERPRINT]
  end
  return {sequence = sequence, ev = packed[1], at = record[CREATED] + packed[2], el = packed[3] or false,
    err = packed[4] or false, det = packed[5] or false, node = packed[ENTRY_NODE] or record[OWNER],
    t = packed[ENTRY_TOKEN] or record[TOKEN], a = packed[ENTRY_ATTEMPT] or record[ATTEMPT], f = fingerprint}
end

-- Before a transition gives the record another creation time, owner, token, attempt or fingerprint:
-- writes the old ones into the history entries that left them out.
local function rebase(record, created, owner, token, attempt, fingerprint)
  for i = HISTORY, #record do
    local packed = record[i]
    if type(packed) ~= 'table' or type(packed[2]) ~= 'number' then
      corrupt('history entry ' .. (record[SEQUENCE] - i + HISTORY) .. ' cannot be read')
    end
    packed[2] = packed[2] + record[CREATED] - created
    if not packed[ENTRY_NODE] and owner ~= record[OWNER] then packed[ENTRY_NODE] = record[OWNER] end
    if not packed[ENTRY_TOKEN] and token ~= record[TOKEN] then packed[ENTRY_TOKEN] = record[TOKEN] end
    if not packed[ENTRY_ATTEMPT] and attempt ~= record[ATTEMPT] then packed[ENTRY_ATTEMPT] = record[ATTEMPT] end
    if not packed[ENTRY_FINGERPRINT] and fingerprint ~= record[FINGERPRINT] then
      packed[ENTRY_FINGERPRINT] = record[FINGERPRINT] or ''
    end
  end
  record[CREATED], record[OWNER], record[TOKEN], record[ATTEMPT], record[FINGERPRINT] =
    created, owner, token, attempt, fingerprint
end

-- Records a transition at now: its audit entry (event, by node) becomes the newest, with the next sequence
-- number, keeping the newest max entries. An entry by the record's owner leaves out its empty fields at
-- the end.
local function audit(record, event, now, node, max, elapsed, err, step)
  local at = now - record[CREATED]
  local entry
  if node ~= record[OWNER] then
    entry = {event, at, elapsed or false, err or false, step or false, node}
  elseif step then
    entry = {event, at, elapsed or false, err or false, step}
  elseif err then
    entry = {event, at, elapsed or false, err}
  elseif elapsed then
    entry = {event, at, elapsed}
  else
    entry = {event, at}
  end
  table.insert(record, HISTORY, entry)
  for i = #record, HISTORY + max, -1 do record[i] = nil end
  record[SEQUENCE] = record[SEQUENCE] + 1
  record[UPDATED] = at
end

-- The creation time of a compact first claim in bytes (digits) and where its lease end ends, when its owner
-- is owner_field (as a string field) and its other fields are shorter than 254 bytes; nil for any other
-- record, which read_record then reads and checks.
local function first_claim_of(bytes, owner_field)
  local created, lease_end = match(bytes, '^p(%d+),%d+(),')
  if not lease_end or #created > 15 or find(bytes, owner_field, lease_end + 1, true) ~= lease_end + 1 then
    return nil
  end
  local after = lease_end + 1 + #owner_field
  for _ = 1, 2 do
    local length = byte(bytes, after)
    if length == NONE then
      after = after + 1
    elseif length and length < NONE then
      after = after + 1 + length
    else
      return nil
    end
  end
  if after ~= #bytes + 1 then return nil end
  return created, lease_end
end

-- The compact completion at now of a compact first claim by its owner with an inline result
-- (first_claim_of gave created and lease_end); ttl_elapsed is the ttl, ',' and the elapsed ms, in digits.
local function completed_first_claim(bytes, created, lease_end, now, ttl_elapsed, result)
  return 'd' .. created .. ',' .. integer(now - created) .. ',' .. ttl_elapsed .. sub(bytes, lease_end) .. result
end

-- Writes the record after a transition at now, as audit records it. Sets a TTL of px ms, or clears it.
local function write(key, record, event, now, node, max, px, elapsed, err, step)
  audit(record, event, now, node, max, elapsed, err, step)
  if px then
    call('SET', key, cmsgpack.pack(record), 'PX', integer(px))
  else
    call('SET', key, cmsgpack.pack(record))
  end
end

-- How long a record that expires at expiry is kept, in ms from now: grace ms past its expiry.
local function keep_for(expiry, grace, now)
  return math.max(1, expiry + grace - now)
end

-- Moves member from the index of state `from` (nil: none) to the index of the record's state, and keeps
-- the due and expiry indexes in step; in_progress is the bucket's in-progress index.
local function reindex(in_progress, member, from, record)
  local state = record[STATE]
  if from and from ~= state and STATE_INDEX[from] then call('ZREM', index_of(in_progress, from), member) end
  if STATE_INDEX[state] then
    call('ZADD', index_of(in_progress, state), integer(time_of(record, UPDATED)), member)
  end
  if state == 'S' then
    call('ZADD', index_of(in_progress, 'due'), integer(time_of(record, NEXT)), member)
  elseif from == 'S' then
    call('ZREM', index_of(in_progress, 'due'), member)
  end
  if EXPIRY_INDEXED[state] then
    call('ZADD', index_of(in_progress, 'exp'), integer(time_of(record, EXPIRY)), member)
  elseif from and EXPIRY_INDEXED[from] then
    call('ZREM', index_of(in_progress, 'exp'), member)
  end
end

-- The list of completed records whose expiry falls in period, and the entry of member expiring at expiry
-- (as digits): its four last digits, the ms in its period.
local function completed_list(completed, period)
  return completed .. ':' .. period
end

local function completed_entry(member, expiry)
  return sub(expiry, -4) .. ':' .. member
end

-- Adds a record that completed and expires at expiry (digits) to the completed index of the bucket whose
-- in-progress index is in_progress; the record is kept for grace ms past its expiry, and so are the list
-- and the set of periods.
local function index_completed(in_progress, member, expiry, grace, now)
  local period, index_prefix = sub(expiry, 1, -5), sub(in_progress, 1, -2)
  local list = index_prefix .. 'C:' .. period
  if call('RPUSH', list, completed_entry(member, expiry)) == 1 then
    local completed = index_prefix .. 'C'
    local keep = keep_for((period + 1) * PERIOD, grace, now)
    call('PEXPIRE', list, integer(keep))
    call('ZADD', completed, period, period)
    if call('PTTL', completed) < keep then call('PEXPIRE', completed, integer(keep)) end
  end
end

-- Removes the entry of a completed record that expired at expiry, when its key is claimed afresh.
local function unindex_completed(completed, member, expiry)
  local digits = integer(expiry)
  call('LREM', completed_list(completed, sub(digits, 1, -5)), 1, completed_entry(member, digits))
end

-- Makes the values key the record's before a write to it: the first write of a record's life deletes
-- what an earlier life left there.
local function own_values(values_key, record)
  if not record[OWNS_VALUES] then
    call('DEL', values_key)
    record[OWNS_VALUES] = true
  end
end

local function steps(values_key, record)
  local result = {}
  if not record[OWNS_VALUES] then return result end
  local all = call('HGETALL', values_key)
  for i = 1, #all, 2 do
    if sub(all[i], 1, 1) == '.' then
      result[#result + 1] = sub(all[i], 2)
      result[#result + 1] = all[i + 1]
    end
  end
  return result
end

local function invocation(values_key, record)
  return record[OWNS_VALUES] and call('HGET', values_key, 'i')
end

local function result_of(record, values_key)
  local result = record[RESULT] or (record[OWNS_VALUES] and call('HGET', values_key, 'r'))
  if not result then corrupt('the completed record has no result') end
  return result
end

-- Claims an existing record for node: token + 1, attempt + 1, steps kept, TTL cleared.
local function reclaim(record_key, values_key, in_progress, member, record, fingerprint, node, lease, now, event, max)
  local from = record[STATE]
  rebase(record, record[CREATED], node, record[TOKEN] + 1, record[ATTEMPT] + 1,
    record[FINGERPRINT] or fingerprint or false)
  record[STATE], record[LEASE], record[NEXT], record[EXPIRY], record[RESULT] = 'P', now + lease - record[CREATED],
    false, false, false
  write(record_key, record, event, now, node, max)
  reindex(in_progress, member, from, record)
  if EXPIRING[from] and record[OWNS_VALUES] then call('PERSIST', values_key) end
  return record
end

-- The record if it is in progress under token, else nil.
local function fence(record, token)
  if record and record[STATE] == 'P' and record[TOKEN] == tonumber(token) then return record end
  return nil
end

local function fenced(record_key, token)
  return fence(load_record(record_key), token)
end

-- operation --
