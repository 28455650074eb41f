-- The live nodes in one round trip (every status request asks), pruning the dead atomically.
--
-- KEYS[1] = <prefix>:{cluster}:members   hash: node id -> "<startedAtMs>:<lastSeenMs>"
-- ARGV[1] = TTL in ms: a node not seen for longer is dead and its entry is removed
-- Returns a flat list "id1, record1, id2, record2, ..." of the live nodes (flat: hiredis 0.14 nests
-- replies at most 7 deep), then the cluster time (Unix ms) as the last element.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local entries = redis.call('HGETALL', KEYS[1])
local out = {}
local dead = {}
for i = 1, #entries, 2 do
    local id, record = entries[i], entries[i + 1]
    local seen = tonumber(string.match(record, ':(%d+)$'))
    if seen and now - seen <= ttl then
        out[#out + 1] = id
        out[#out + 1] = record
    else
        dead[#dead + 1] = id
    end
end
if #dead > 0 then redis.call('HDEL', KEYS[1], unpack(dead)) end
out[#out + 1] = now
return out
