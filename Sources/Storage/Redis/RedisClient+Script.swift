/// Running scripts: EVALSHA with a transparent reload when Redis forgot the script.
extension RedisClient {
    /// Loads the script (SCRIPT LOAD) and returns its SHA1. Called by `run` when needed.
    @discardableResult
    public func load(_ script: RedisScript) async throws(RedisError) -> String {
        let reply = try await send("SCRIPT", "LOAD", script.source)
        guard let sha = reply.string, sha.utf8.count == 40 else {
            throw RedisError(.unexpectedReply, "SCRIPT LOAD answered \(reply.redactedDescription)")
        }
        script.remember(sha)
        return sha
    }

    /// Runs the script with EVALSHA; on NOSCRIPT (Redis restarted or SCRIPT FLUSH) it loads the
    /// script again and retries once. Error replies raised by the script are thrown.
    @discardableResult
    public func run(_ script: RedisScript, keys: [String] = [], args: [any RedisArgumentConvertible] = [])
        async throws(RedisError) -> RedisReply {
        var sha: String
        if let known = script.sha1 { sha = known } else { sha = try await load(script) }
        do {
            return try await evalsha(sha, keys: keys, args: args)
        } catch where error.serverErrorPrefix == "NOSCRIPT" {
            sha = try await load(script)
            return try await evalsha(sha, keys: keys, args: args)
        }
    }

    private func evalsha(_ sha: String, keys: [String], args: [any RedisArgumentConvertible])
        async throws(RedisError) -> RedisReply {
        var arguments: [any RedisArgumentConvertible] = [sha, keys.count]
        arguments.reserveCapacity(2 + keys.count + args.count)
        arguments.append(contentsOf: keys as [any RedisArgumentConvertible])
        arguments.append(contentsOf: args)
        return try await send("EVALSHA", arguments: arguments)
    }
}
