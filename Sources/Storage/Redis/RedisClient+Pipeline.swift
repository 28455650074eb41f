/// Explicit batches: several commands written at once on one connection, replies returned together.
extension RedisClient {
    /// Sends all commands back to back and returns their replies in order. Error replies are
    /// returned as `.error` elements (not thrown) so one failing command does not hide the others.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let reply = try await pickConnection().execute(replies: commands.count, collects: true) { buffer in
            for command in commands { buffer.append(contentsOf: command.encoded) }
        }.get()
        guard case .array(let replies) = reply else { throw RedisError(.unexpectedReply, "pipeline answered \(reply.redactedDescription)") }
        return replies
    }

    /// Runs the commands atomically in MULTI/EXEC and returns EXEC's replies (one per command;
    /// a command that failed at run time is an `.error` element). Throws if Redis refused to queue
    /// a command (EXECABORT, with the first refusal's message). MULTI, the commands and EXEC are
    /// written back to back on one connection, so no other caller's command lands in between.
    /// WATCH is not offered: on a shared connection another caller's commands could run between
    /// WATCH and MULTI; use a Lua script (`run`) for read-modify-write.
    public func transaction(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let multi = RedisCommand("MULTI")
        let exec = RedisCommand("EXEC")
        let replies = try await pipeline([multi] + commands + [exec])
        guard let last = replies.last else { throw RedisError(.unexpectedReply, "EXEC did not answer") }
        switch last {
        case .array(let results):
            return results
        case .error(let message):
            let cause = replies.dropFirst().dropLast().first { $0.errorMessage != nil }?.errorMessage
            throw RedisError.server(cause.map { "\(message) (\($0))" } ?? message)
        case .null:
            throw RedisError(.server, "transaction aborted by Redis (EXEC returned null)")
        default:
            throw RedisError(.unexpectedReply, "EXEC answered \(last)")
        }
    }
}
