import Storage

/// `Scripts/RealtimePublish.lua` (its header documents KEYS, ARGV and the reply).
enum RealtimePublishScript {
    static let script = RedisScript(lua: PackageResources.RealtimePublish_lua)
}
