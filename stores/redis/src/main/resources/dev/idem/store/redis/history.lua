-- history: the audit entries of a key, oldest first.
-- KEYS: record, the bucket's in-progress index.
-- Reply: {{sequence, event, time, node, token, attempt, fingerprint, elapsed ms, error, step}, ...}.
local record = load_record(KEYS[1])
if not record then return {} end
local count = #record - HISTORY + 1
local entries = {}
for i = 1, count do
  local entry = entry_at(record, i)
  entries[count - i + 1] = {entry.sequence, entry.ev, entry.at, entry.node, entry.t, entry.a, entry.f, entry.el,
    entry.err, entry.det}
end
return entries
