-- Idem Redis store: the functions every operation script shares. The client prepends this file to each
-- operation's script, so that each operation is still one script, one EVALSHA and one atomic step.
--
-- A record is one hash, its record key. Fields: s state (P in progress, C completed, F failed,
-- R released, S scheduled, D dead), t fencing token, a attempt, o owner node, f fingerprint, k original
-- key, c created (epoch ms, the primary's TIME), u updated (ms after c), l lease end, n next attempt and
-- x expiry (ms after the update), e last error, r result (when small), q sequence number of the newest
-- history entry, h the newest history entry, and the older entries under their sequence numbers.
-- Saved steps (".name"), the invocation (i) and large results (r) live in a second hash, the values key.
-- A transition reads the record with one HMGET and writes it with one HSET and at most one HDEL.
--
-- Every bucket has eight index sorted sets: one per state (score: updated time), due (scheduled
-- records by next attempt) and expiry (completed, failed and released records by expiry). Scripts get
-- them in that order.

local EXPIRING = {C = true, F = true, R = true}
local STATE_INDEX = {P = 1, C = 2, F = 3, R = 4, S = 5, D = 6}
local DUE_INDEX, EXPIRY_INDEX = 7, 8

local CLAIMED, TAKEN_OVER, RESUMED, COMPLETED, FAILED, RELEASED, SCHEDULED, DEAD, STEP_SAVED, REQUEUED, CANCELLED =
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11

local RECORD_FIELDS = {'s', 't', 'a', 'o', 'f', 'k', 'c', 'u', 'l', 'n', 'x', 'e', 'q', 'h', 'r'}
local OPTIONAL_FIELDS = {'f', 'k', 'e', 'l', 'n', 'x'}
local RELATIVE_TIMES = {l = true, n = true, x = true}

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function corrupt(why)
  error({err = 'IDEMCORRUPT ' .. why})
end

local function copy(record)
  local result = {}
  for name, value in pairs(record) do result[name] = value end
  return result
end

local function index_keys(first)
  local keys = {}
  for i = 0, 7 do keys[i + 1] = KEYS[first + i] end
  return keys
end

local function number_field(value, name)
  if not value then return nil end
  local number = tonumber(value)
  if not number then corrupt("field '" .. name .. "' is not a number") end
  return number
end

-- The record at key as a table with absolute times (h: its newest history entry, r: its result when
-- small), nil when there is none. Raises IDEMCORRUPT when it cannot be read (and Redis raises WRONGTYPE
-- when the key holds no hash).
local function load_record(key)
  local v = redis.call('HMGET', key, unpack(RECORD_FIELDS))
  if not v[1] then
    for i = 2, #RECORD_FIELDS do
      if v[i] then corrupt("field 's' (the state) is missing") end
    end
    return nil
  end
  if not STATE_INDEX[v[1]] then corrupt("field 's' holds an impossible state '" .. v[1] .. "'") end
  local record = {s = v[1], t = number_field(v[2], 't'), a = number_field(v[3], 'a'), o = v[4] or nil,
    f = v[5] or nil, k = v[6] or nil, c = number_field(v[7], 'c'), e = v[12] or nil,
    q = number_field(v[13], 'q') or 0, h = v[14] or nil, r = v[15] or nil}
  local updated = number_field(v[8], 'u')
  if not (record.t and record.a and record.o and record.c and updated) then
    corrupt('a required field (t, a, o, c or u) is missing')
  end
  record.u = record.c + updated
  local lease, next_attempt, expiry = number_field(v[9], 'l'), number_field(v[10], 'n'), number_field(v[11], 'x')
  record.l = lease and record.u + lease
  record.n = next_attempt and record.u + next_attempt
  record.x = expiry and record.u + expiry
  if (record.s == 'P' and not record.l) or (record.s == 'S' and not record.n) or (EXPIRING[record.s] and not record.x)
      or (record.s == 'F' and not record.e) then
    corrupt("state '" .. record.s .. "' lacks its time or error")
  end
  return record
end

-- A history entry is a MessagePack map: 1 event, 2 time offset, 3 elapsed ms, 4 error, 5 step name,
-- 6 node, 7 token, 8 attempt, 9 fingerprint (false: none). 6 to 9 are left out when they equal the
-- entry's base: for the newest entry (field h) the record's own o, t, a and f (and 2 counts from c);
-- for older ones the next newer entry (and 2 counts back from its time). A typical entry takes 3 to 8
-- bytes.
local function encode_entry(entry, at, node, token, attempt, fingerprint, newest)
  local packed = {entry.ev, newest and entry.at - at or at - entry.at, entry.el, entry.err, entry.det}
  if entry.node ~= node then packed[6] = entry.node end
  if entry.t ~= token then packed[7] = entry.t end
  if entry.a ~= attempt then packed[8] = entry.a end
  if entry.f ~= fingerprint then packed[9] = entry.f or false end
  return cmsgpack.pack(packed)
end

local function decode_entry(bytes, at, node, token, attempt, fingerprint, newest, sequence)
  local ok, packed = pcall(cmsgpack.unpack, bytes)
  if not ok or type(packed) ~= 'table' or type(packed[1]) ~= 'number' or type(packed[2]) ~= 'number' then
    corrupt('history entry ' .. sequence .. ' cannot be read')
  end
  local entry = {ev = packed[1], at = newest and at + packed[2] or at - packed[2], el = packed[3], err = packed[4],
    det = packed[5], node = packed[6] or node, t = packed[7] or token, a = packed[8] or attempt, f = fingerprint}
  if packed[9] == false then entry.f = nil elseif packed[9] then entry.f = packed[9] end
  return entry
end

-- Writes the record after a transition from old (nil: none) with one HSET and at most one HDEL: its
-- fields, the transition's audit entry as the new newest entry (with the next sequence number), the
-- entry that was newest (now relative to the new one), and the field/value pairs in `more`. Keeps the
-- newest max entries.
local function write(key, old, record, entry, max, more)
  record.q = (old and old.q or 0) + 1
  entry.t, entry.a, entry.f = record.t, record.a, record.f
  local set = {'s', record.s, 't', record.t, 'a', record.a, 'o', record.o, 'c', record.c, 'u', record.u - record.c,
    'q', record.q, 'h', encode_entry(entry, record.c, record.o, record.t, record.a, record.f, true)}
  local unset = {}
  if old and old.h then
    local previous = decode_entry(old.h, old.c, old.o, old.t, old.a, old.f, true, old.q)
    set[#set + 1] = old.q
    set[#set + 1] = encode_entry(previous, entry.at, entry.node, entry.t, entry.a, entry.f, false)
  end
  for i = 1, #OPTIONAL_FIELDS do
    local name = OPTIONAL_FIELDS[i]
    local value = record[name]
    if value and RELATIVE_TIMES[name] then value = value - record.u end
    if value then
      set[#set + 1] = name
      set[#set + 1] = value
    elseif old and old[name] then
      unset[#unset + 1] = name
    end
  end
  if record.q > max then unset[#unset + 1] = record.q - max end
  if more then
    for i = 1, #more do set[#set + 1] = more[i] end
  end
  redis.call('HSET', key, unpack(set))
  if #unset > 0 then redis.call('HDEL', key, unpack(unset)) end
end

-- Moves member from the index of state `from` (nil: none) to the index of the record's state, and keeps
-- the due and expiry indexes in step.
local function reindex(indexes, member, from, record)
  if from and from ~= record.s then redis.call('ZREM', indexes[STATE_INDEX[from]], member) end
  redis.call('ZADD', indexes[STATE_INDEX[record.s]], record.u, member)
  if record.s == 'S' then
    redis.call('ZADD', indexes[DUE_INDEX], record.n, member)
  elseif from == 'S' then
    redis.call('ZREM', indexes[DUE_INDEX], member)
  end
  if EXPIRING[record.s] then
    redis.call('ZADD', indexes[EXPIRY_INDEX], record.x, member)
  elseif from and EXPIRING[from] then
    redis.call('ZREM', indexes[EXPIRY_INDEX], member)
  end
end

local function expire(record_key, values_key, record, grace)
  redis.call('PEXPIREAT', record_key, record.x + grace)
  redis.call('PEXPIREAT', values_key, record.x + grace)
end

local function steps(values_key)
  local all = redis.call('HGETALL', values_key)
  local result = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 1) == '.' then
      result[#result + 1] = string.sub(all[i], 2)
      result[#result + 1] = all[i + 1]
    end
  end
  return result
end

-- Claims an existing record for node: token + 1, attempt + 1, steps kept.
local function reclaim(record_key, values_key, indexes, member, old, fingerprint, node, lease, now, event, max)
  local record = copy(old)
  record.s, record.t, record.a, record.o = 'P', old.t + 1, old.a + 1, node
  record.u, record.l, record.n, record.x = now, now + lease, nil, nil
  if not record.f then record.f = fingerprint end
  write(record_key, old, record, {ev = event, at = now, node = node}, max)
  reindex(indexes, member, old.s, record)
  if EXPIRING[old.s] then
    redis.call('PERSIST', record_key)
    redis.call('PERSIST', values_key)
  end
  return record
end

local function result_of(record, values_key)
  local result = record.r or redis.call('HGET', values_key, 'r')
  if not result then corrupt('the completed record has no result') end
  return result
end

local function fenced(record_key, token)
  local record = load_record(record_key)
  if record and record.s == 'P' and record.t == tonumber(token) then return record end
  return nil
end

-- operation --
