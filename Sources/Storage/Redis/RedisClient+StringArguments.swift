/// Overloads for the most common call shapes, `send("GET", key)` and `send("SET", key, value)`
/// with `String` arguments: Swift picks them over the variadic form for all-`String` calls, which
/// saves allocating an array of existentials (and their dynamic dispatch) on every command.
/// Behaviour is identical to `send(_:arguments:)`; they exist only for speed.
extension RedisClient {
    @discardableResult
    nonisolated(nonsending) public func send(_ command: String, _ argument: String) async throws(RedisError) -> RedisReply {
        let result = await pickConnection().execute { buffer in
            RedisCommandEncoder.appendHeader(UInt8(ascii: "*"), 2, to: &buffer)
            command.appendRedisBulkString(to: &buffer)
            argument.appendRedisBulkString(to: &buffer)
        }
        return try result.get().throwingServerError()
    }

    @discardableResult
    nonisolated(nonsending) public func send(_ command: String, _ first: String, _ second: String)
        async throws(RedisError) -> RedisReply {
        let result = await pickConnection().execute { buffer in
            RedisCommandEncoder.appendHeader(UInt8(ascii: "*"), 3, to: &buffer)
            command.appendRedisBulkString(to: &buffer)
            first.appendRedisBulkString(to: &buffer)
            second.appendRedisBulkString(to: &buffer)
        }
        return try result.get().throwingServerError()
    }
}
