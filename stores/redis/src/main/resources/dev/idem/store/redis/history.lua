-- history: the audit entries of a key, oldest first.
-- KEYS: record.
-- Reply: {{sequence, event, time, node, token, attempt, fingerprint, elapsed ms, error, step}, ...}.
local record_key = KEYS[1]
local record = load_record(record_key)
if not record then return {} end
local newest_first = {}
local newer = {at = record.c, node = record.o, t = record.t, a = record.a, f = record.f}
for sequence = record.q, 1, -1 do
  local newest = sequence == record.q
  local bytes = newest and record.h or redis.call('HGET', record_key, sequence)
  if not bytes then break end
  local entry = decode_entry(bytes, newer.at, newer.node, newer.t, newer.a, newer.f, newest, sequence)
  newest_first[#newest_first + 1] = {sequence, entry.ev, entry.at, entry.node, entry.t, entry.a, entry.f or false,
    entry.el or false, entry.err or false, entry.det or false}
  newer = entry
end
local entries = {}
for i = #newest_first, 1, -1 do entries[#entries + 1] = newest_first[i] end
return entries
