-- Appends an event to its room's history and publishes it, in one atomic step, so every node sees
-- the same id for it and a client recovering with `since` finds exactly what was published live.
--
-- KEYS[1] = <prefix>:{room:<name>}:history   capped stream (history and recovery)
-- ARGV[1] = pub/sub channel <prefix>:{room:<name>}:events, ARGV[2] = priority, ARGV[3] = event name,
-- ARGV[4] = data (JSON text), ARGV[5] = history length (approximate cap), ARGV[6] = history TTL in ms
-- Returns {id, ts}: the stream id and the cluster time (Unix ms, from Redis TIME). The pub/sub
-- payload is "id \n priority \n ts \n event \n data" (data last: the only part that may hold a newline).
local t = redis.call('TIME')
local ts = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], '*', 'p', ARGV[2], 't', ts, 'e', ARGV[3], 'd', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PUBLISH', ARGV[1], id .. '\n' .. ARGV[2] .. '\n' .. ts .. '\n' .. ARGV[3] .. '\n' .. ARGV[4])
return {id, ts}
