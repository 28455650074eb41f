import Storage

/// Reads the live nodes in one round trip (it was SMEMBERS, then MGET: two round trips on every
/// status request) and prunes ids whose record has expired, atomically.
///
/// KEYS[1] = `{<prefix>}:nodes`        the set of node ids
/// ARGV[1] = `{<prefix>}:node:`        the prefix of the node records (`{<prefix>}:node:<id>`)
/// Returns a flat list `id1, record1, id2, record2, ...` of the ids that still have a record
/// (flat: hiredis 0.14 nests replies at most 7 deep). The record keys are built inside the script,
/// so they are not in KEYS: they carry the same `{<prefix>}` hash tag as KEYS[1], so on Redis
/// Cluster they live in its slot, which is what a script may touch.
enum LiveNodesScript {
    static let script = RedisScript("""
    local ids = redis.call('SMEMBERS', KEYS[1])
    if #ids == 0 then return {} end
    local keys = {}
    for i, id in ipairs(ids) do keys[i] = ARGV[1] .. id end
    local records = redis.call('MGET', unpack(keys))
    local out = {}
    local dead = {}
    for i, id in ipairs(ids) do
        if records[i] then
            out[#out + 1] = id
            out[#out + 1] = records[i]
        else
            dead[#dead + 1] = id
        end
    end
    if #dead > 0 then redis.call('SREM', KEYS[1], unpack(dead)) end
    return out
    """)
}
