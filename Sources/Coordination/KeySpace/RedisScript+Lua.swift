import Storage

extension RedisScript {
    /// A script from a Lua file compiled into the binary (`PackageResources.<Name>_lua`).
    convenience init(lua bytes: [UInt8]) {
        self.init(String(decoding: bytes, as: UTF8.self))
    }
}
