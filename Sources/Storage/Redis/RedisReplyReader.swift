import CHiredis

/// The only place that touches hiredis: feeds bytes to its reply reader, converts each `redisReply`
/// to a `RedisReply` and frees it at once, so no C pointer leaves this file.
///
/// Not Sendable: one connection thread owns it.
final class RedisReplyReader {
    /// Limits enforced on top of hiredis (it only limits nesting, to depth 7).
    struct Limits: Sendable {
        /// Arrays longer than this are refused before hiredis allocates their element vector.
        var maxElements: Int = 1 << 20
        /// Unparsed bytes beyond this mean a reply too large to accept (bounds bulk strings).
        var maxBufferedBytes: Int = 32 << 20
    }

    private let reader: UnsafeMutablePointer<redisReader>
    /// Our copy of hiredis's default object functions with `createArray` wrapped by the count guard.
    private let functions: UnsafeMutablePointer<redisReplyObjectFunctions>
    /// Read by the C callback through `privdata`: the original functions and the element limit.
    private let guardContext: UnsafeMutablePointer<GuardContext>
    private let limits: Limits
    private var failed: RedisError?
    /// Replies taken by `RedisSimpleReplyParser`; they come before anything hiredis holds.
    private var ready: [RedisReply] = []
    private var readyIndex = 0
    /// Off only in tests, which compare both paths on the same input.
    private let fastPath: Bool

    /// State the C callback reaches through `privdata` (it cannot capture Swift values).
    struct GuardContext {
        var defaults: redisReplyObjectFunctions
        var maxElements: Int32
        var refused: Bool
    }

    init(limits: Limits = Limits(), fastPath: Bool = true) {
        self.limits = limits
        self.fastPath = fastPath
        reader = redisReaderCreate()
        // redisReaderCreate points `fn` at hiredis's static default functions; we keep them and
        // interpose createArray so a peer announcing 2^31 elements cannot make hiredis allocate.
        let defaults = reader.pointee.fn.pointee
        guardContext = .allocate(capacity: 1)
        guardContext.initialize(to: GuardContext(
            defaults: defaults, maxElements: Int32(clamping: limits.maxElements), refused: false))
        functions = .allocate(capacity: 1)
        functions.initialize(to: defaults)
        functions.pointee.createArray = { task, elements in
            guard let task, let context = task.pointee.privdata?.assumingMemoryBound(to: GuardContext.self) else {
                return nil
            }
            if elements < 0 || elements > context.pointee.maxElements {
                context.pointee.refused = true
                return nil
            }
            return context.pointee.defaults.createArray?(task, elements)
        }
        reader.pointee.fn = functions
        reader.pointee.privdata = UnsafeMutableRawPointer(guardContext)
    }

    deinit {
        redisReaderFree(reader)
        functions.deinitialize(count: 1)
        functions.deallocate()
        guardContext.deinitialize(count: 1)
        guardContext.deallocate()
    }

    /// Takes the simple replies at the start of `bytes` itself while hiredis holds nothing (so
    /// order is kept), and hands the rest to hiredis (which copies it).
    func feed(_ bytes: UnsafeRawBufferPointer) throws(RedisError) {
        if let failed { throw failed }
        var bytes = bytes
        if fastPath, reader.pointee.ridx == -1, reader.pointee.pos == reader.pointee.len {
            while let (reply, length) = RedisSimpleReplyParser.parse(bytes) {
                ready.append(reply)
                bytes = UnsafeRawBufferPointer(rebasing: bytes[length...])
            }
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count) != REDIS_OK {
            throw fail("reader refused input")
        }
        if reader.pointee.len - reader.pointee.pos > limits.maxBufferedBytes {
            throw fail("reply larger than \(limits.maxBufferedBytes) bytes")
        }
    }

    /// The next complete reply, or nil when more bytes are needed. Errors are sticky.
    func next() throws(RedisError) -> RedisReply? {
        if let failed { throw failed }
        if readyIndex < ready.count {
            let reply = ready[readyIndex]
            readyIndex += 1
            if readyIndex == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
            }
            return reply
        }
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
            if guardContext.pointee.refused {
                throw fail("reply array longer than \(limits.maxElements) elements")
            }
            throw fail(errorText())
        }
        guard let raw else { return nil }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return Self.convert(reply, depth: 0)
    }

    private func fail(_ message: String) -> RedisError {
        let error = RedisError(.protocolError, "Redis protocol error: \(message)")
        failed = error
        return error
    }

    private func errorText() -> String {
        withUnsafeBytes(of: reader.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Recursion is bounded by hiredis's own depth limit (7); counts were checked in createArray.
    private static func convert(_ reply: UnsafeMutablePointer<redisReply>, depth: Int) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulkString(bytes(r.str, r.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            guard depth < 16, let element = r.element else { return .array([]) }
            var elements: [RedisReply] = []
            elements.reserveCapacity(r.elements)
            for index in 0..<r.elements {
                if let child = element[index] { elements.append(convert(child, depth: depth + 1)) } else { elements.append(.null) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count).bindMemory(to: UInt8.self))
    }
}
