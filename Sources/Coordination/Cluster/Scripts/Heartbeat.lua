-- Records a node's heartbeat, stamped with the Redis clock so all nodes agree on time.
--
-- KEYS[1] = <prefix>:{node:<id>}:heartbeat   the node's record; expires after the TTL (a dead node vanishes)
-- ARGV[1] = startedAt (Unix ms), ARGV[2] = TTL in ms
-- Returns the cluster time (Unix ms) of the heartbeat. The member set (another hash tag) is updated
-- by a separate SADD: a script never takes keys of two tags.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. now, 'PX', ARGV[2])
return now
