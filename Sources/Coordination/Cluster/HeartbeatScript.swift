import Storage

/// Records a node's heartbeat atomically, stamped with the Redis clock so all nodes agree on time.
///
/// KEYS[1] = `{<prefix>}:node:<id>`  the node's record, expiring after the TTL (a dead node vanishes)
/// KEYS[2] = `{<prefix>}:nodes`      the set of node ids, so listing needs no SCAN
/// ARGV[1] = node id, ARGV[2] = startedAt (Unix ms), ARGV[3] = TTL in ms
/// Returns the cluster time (Unix ms) of the heartbeat.
enum HeartbeatScript {
    static let script = RedisScript("""
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('SET', KEYS[1], ARGV[2] .. ':' .. now, 'PX', ARGV[3])
    redis.call('SADD', KEYS[2], ARGV[1])
    return now
    """)
}
