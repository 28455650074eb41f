-- Records a node's heartbeat, stamped with the Redis clock so all nodes agree on time.
--
-- KEYS[1] = <prefix>:{cluster}:members   hash: node id -> "<startedAtMs>:<lastSeenMs>"
-- ARGV[1] = node id, ARGV[2] = startedAt (Unix ms), ARGV[3] = TTL in ms
-- Returns the cluster time (Unix ms) of the heartbeat. The hash itself expires after the TTL, so
-- a cluster whose nodes all died leaves nothing behind; any live node keeps refreshing it.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return now
