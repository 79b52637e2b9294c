-- countCompleted: how many entries one bucket's completed index holds, expired records included until
-- they are purged.
-- KEYS: the completed index.
-- Reply: the number of entries.
local count = 0
for _, period in ipairs(call('ZRANGE', KEYS[1], 0, -1)) do
  count = count + call('LLEN', completed_list(KEYS[1], period))
end
return count
