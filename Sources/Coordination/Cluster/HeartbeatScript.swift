import Storage

/// `Scripts/Heartbeat.lua` (its header documents KEYS, ARGV and the reply).
enum HeartbeatScript {
    static let script = RedisScript(lua: PackageResources.Heartbeat_lua)
}
