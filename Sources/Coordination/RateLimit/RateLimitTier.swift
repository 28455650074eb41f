/// One limit of a service: at most `limit` units in any `windowMs` interval.
public struct RateLimitTier: Sendable, Hashable, Codable {
    /// `burst` (per second) or `sustained` (per minute): the name clients see in `deniedBy`.
    public var name: String
    public var limit: Int
    public var windowMs: Int64

    public init(name: String, limit: Int, windowMs: Int64) {
        self.name = name
        self.limit = limit
        self.windowMs = windowMs
    }
}

/// Enforce the limit, or only decide and count (for rolling out a new limit, as Envoy's shadow mode).
public enum RateLimitMode: String, Sendable, Hashable, Codable {
    case enforce
    case shadow
}

/// The tiers of one service, in a fixed order (the script keeps one counter per position).
public struct RateLimitPolicy: Sendable, Hashable {
    public var service: String
    public var tiers: [RateLimitTier]
    public var mode: RateLimitMode

    public init(service: String, tiers: [RateLimitTier], mode: RateLimitMode = .enforce) {
        self.service = service
        self.tiers = tiers
        self.mode = mode
    }

    /// `burst` per second and `sustained` per minute, from the catalog.
    public init(_ definition: ServiceDefinition, mode: RateLimitMode = .enforce) {
        self.init(service: definition.name, tiers: [
            RateLimitTier(name: "burst", limit: definition.burstPerSecond, windowMs: 1_000),
            RateLimitTier(name: "sustained", limit: definition.sustainedPerMinute, windowMs: 60_000),
        ], mode: mode)
    }
}

/// Limits an admin set for the whole cluster (`PUT /:service/limits`); nil fields keep the catalog's.
public struct ServiceLimits: Sendable, Hashable, Codable {
    public var burstPerSecond: Int
    public var sustainedPerMinute: Int
    public var mode: RateLimitMode

    public init(burstPerSecond: Int, sustainedPerMinute: Int, mode: RateLimitMode) {
        self.burstPerSecond = burstPerSecond
        self.sustainedPerMinute = sustainedPerMinute
        self.mode = mode
    }

    /// The catalog's defaults.
    public init(_ definition: ServiceDefinition) {
        self.init(burstPerSecond: definition.burstPerSecond, sustainedPerMinute: definition.sustainedPerMinute, mode: .enforce)
    }
}
