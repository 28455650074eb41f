import Storage

/// `Scripts/Heartbeat.lua` and `Scripts/LiveNodes.lua` (their headers document KEYS, ARGV and the reply).
enum HeartbeatScript {
    static let script = RedisScript(lua: PackageResources.Heartbeat_lua)
    static let liveNodes = RedisScript(lua: PackageResources.LiveNodes_lua)
}
