/// Every Redis key and pub/sub channel the cluster uses, built in one place:
/// `<prefix>:{<kind>:<id>}:<field>`. The configured prefix separates deployments sharing a Redis;
/// the hash tag (`{svc:stripe}`, `{room:cost_monitoring}`, `{node:a}`, `{cluster}`) puts every key
/// of one entity on one Redis Cluster slot, so a script may take several keys of ONE tag (never of
/// two: that is a cross-slot error on Redis Cluster). Nothing outside this type and the Lua scripts
/// spells a key.
public struct KeySpace: Sendable, Hashable {
    public let prefix: String

    /// `prefix`: letters, digits, `_`, `-`, `.`; no braces or colons (they would break the layout).
    public init(prefix: String = "coord") {
        self.prefix = prefix
    }

    /// `<prefix>:{<tag>}:<field>`.
    func key(_ tag: String, _ field: String) -> String { prefix + ":{" + tag + "}:" + field }

    /// Keys of one room: history stream and fan-out channel share the `{room:<name>}` tag.
    public func room(_ name: String) -> RoomKeys { RoomKeys(space: self, tag: "room:" + name) }

    /// Keys of one external service (`{svc:<name>}`): its rate-limit logs and counters.
    public func service(_ name: String) -> ServiceKeys { ServiceKeys(space: self, tag: "svc:" + name) }

    /// Keys of one API client (a JWT `sub`): its own rate-limit log. A `sub` outside
    /// `[A-Za-z0-9._@-]` is hex-encoded (prefixed `x`), so no `sub` can break the hash tag or collide.
    public func client(_ sub: String) -> ClientKeys {
        let plain = !sub.isEmpty && sub.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x40 || byte == 0x2D
        }
        let id = plain ? sub : "x" + sub.utf8.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        return ClientKeys(space: self, tag: "client:" + id)
    }

    /// Keys of one node: its realtime report and its readiness probe channel.
    public func node(_ id: String) -> NodeKeys { NodeKeys(space: self, tag: "node:" + id) }

    /// Cluster-wide keys (the members and their heartbeats), under the `{cluster}` tag.
    public var cluster: ClusterKeys { ClusterKeys(space: self) }

    /// The room a fan-out channel belongs to (inverse of `room(_:).channel`), nil for any other channel.
    public func room(fromChannel channel: String) -> String? {
        // On bytes, not Characters: a name starting with a combining mark (or ending with a prepended
        // one) merges with the layout's `:` or `}` into one Character, and Character comparison would miss it.
        let bytes = channel.utf8, head = (prefix + ":{room:").utf8, tail = "}:events".utf8
        guard bytes.count > head.count + tail.count, bytes.starts(with: head), bytes.reversed().starts(with: tail.reversed())
        else { return nil }
        return String(decoding: bytes.dropFirst(head.count).dropLast(tail.count), as: UTF8.self)
    }
}

/// `{room:<name>}`: a room's capped history stream and its pub/sub channel.
public struct RoomKeys: Sendable, Hashable {
    let space: KeySpace
    let tag: String
    /// Capped stream of the room's events (history and `since` recovery).
    public var history: String { space.key(tag, "history") }
    /// Pub/sub channel every node subscribed to the room listens on.
    public var channel: String { space.key(tag, "events") }
}

/// `{svc:<name>}`: one service's shared state. Every multi-key script of a service takes only these.
public struct ServiceKeys: Sendable, Hashable {
    let space: KeySpace
    let tag: String
    /// Sorted set per rate-limit tier: one entry per admitted call (score: Redis time in ms, member:
    /// `<seq>:<units>`), trimmed to the tier's window, so at most `limit` entries.
    public func rateLimitLog(_ tier: String) -> String { space.key(tag, "rl:" + tier) }
    /// Hash: units in each tier's window (`used:<tier>`) and the entry sequence (`seq`).
    public var rateLimitState: String { space.key(tag, "rl:state") }
    /// Hash: limits set at run time for the whole cluster (`limit:<i>` per tier, `mode`); absent
    /// fields mean the catalog's defaults. PostgreSQL (`service_limits`) holds the durable copy.
    public var limits: String { space.key(tag, "limits") }
    /// Hash: the budget counters (integer micro-dollars): `day`/`month` (the UTC period they count),
    /// `dspent`, `mspent`, `reserved` (sum of live reservations), the highest alert level raised in
    /// each period (`dalert`, `malert`), `expired` (reservations released unsettled) and `ready`
    /// (set once the counters were rebuilt from the ledger: absent, budget decisions answer 503).
    public var budget: String { space.key(tag, "budget") }
    /// Sorted set of live reservations: score = expiry (Redis time, ms), member = `<id>:<micros>`.
    public var reservations: String { space.key(tag, "reservations") }
    /// Hash of one reservation (`amount`, `state`: reserved/settled, `event` once settled), kept 24 h
    /// so settling twice is answered with the first settlement.
    public func reservation(_ id: String) -> String { space.key(tag, "resv:" + id) }
    /// Hash: the event a cost recorded with this idempotency key became (`POST /spend` without a
    /// reservation), kept 24 h. The key is checked by the caller: `[A-Za-z0-9._:-]`, 1-128.
    public func spendIdempotency(_ key: String) -> String { space.key(tag, "spend:" + key) }
    /// String: a protected call (`POST /call`) made with this idempotency key: `pending:<request id>`
    /// while it runs (with a lease), then `done:<result JSON>` for 24 h. The key is checked by the
    /// caller: `[A-Za-z0-9._:-]`, 1-128.
    public func callResult(_ key: String) -> String { space.key(tag, "call:" + key) }
    /// Hash: the circuit breaker (`state`, `openUntil`, `opens`, `consecutive`, `lastError`,
    /// `lastErrorAt`).
    public var breaker: String { space.key(tag, "cb") }
    /// Sorted set: half-open trial calls in flight, scored by when their lease runs out.
    public var breakerTrials: String { space.key(tag, "cb:trials") }
    /// Hash: outcomes per second in the breaker's window (`o<sec>` successes, `f<sec>` failures).
    public var breakerWindow: String { space.key(tag, "cb:window") }
    /// List: the latest call samples `<ms>:<latency>:<1|0>` (capped), for health percentiles.
    public var healthSamples: String { space.key(tag, "health:samples") }
    /// Hash: calls per second (`<sec>` -> count) over the last 5 minutes, for the sparkline.
    public var healthRate: String { space.key(tag, "health:rate") }
    /// Stream: the cost ledger's outbox (settled costs and budget alerts on their way to PostgreSQL),
    /// read by every node through the consumer group `ledger`.
    public var ledgerOutbox: String { space.key(tag, "outbox") }
    /// List: ledger entries PostgreSQL refused as data (described in words), for an operator.
    public var ledgerDeadLetter: String { space.key(tag, "outbox:dead") }
}

/// `{client:<sub>}`: one API client's state.
public struct ClientKeys: Sendable, Hashable {
    let space: KeySpace
    let tag: String
    /// Sorted set: the client's requests in the last minute (score: Redis time, member: sequence).
    public var rateLimitLog: String { space.key(tag, "rl:minute") }
    /// String: the entry sequence (`ClientRateLimit.lua`), with the log's TTL.
    public var rateLimitState: String { space.key(tag, "rl:state") }
}

/// `{node:<id>}`: what one node publishes about itself.
public struct NodeKeys: Sendable, Hashable {
    let space: KeySpace
    let tag: String
    /// The node's realtime figures (JSON), with the same TTL.
    public var realtimeReport: String { space.key(tag, "realtime") }
    /// Pub/sub channel of the node's own readiness probe (its fan-out connection hears it).
    public var probeChannel: String { space.key(tag, "probe") }
}

/// `{cluster}`: cluster-wide bookkeeping.
public struct ClusterKeys: Sendable, Hashable {
    let space: KeySpace
    /// Hash of node id -> `<startedAtMs>:<lastSeenMs>` (Redis clock): every heartbeat in one key, so
    /// the live list is one script call; ids not seen within the TTL are pruned by that script.
    public var members: String { space.key("cluster", "members") }
}
