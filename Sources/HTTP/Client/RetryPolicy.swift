import Foundation

/// When to try a request again, and after how long. Pure: the caller passes the outcome, the clock
/// readings and (through `random`) the jitter, so every rule is testable with a table.
///
/// Retries only where safe: a request that never left (connect failures) always; 429 and 503 (the
/// server did not process it) honouring `Retry-After`; other 5xx and a connection lost after sending
/// only for idempotent requests. Never past `maxAttempts` or the caller's deadline.
public struct RetryPolicy: Sendable {
    /// Tries in total, the first included.
    public var maxAttempts: Int = 3
    /// Backoff before the second try is drawn from 0...baseDelay, doubling each retry (full jitter).
    public var baseDelay: Duration = .milliseconds(100)
    /// Upper bound of a backoff draw.
    public var maxDelay: Duration = .seconds(5)
    /// Longest `Retry-After` we wait for; a server asking for more gets its answer returned, since
    /// calling earlier than it asked would only be refused again (and cost quota).
    public var maxRetryAfter: Duration = .seconds(30)
    /// A uniform draw in 0...1; injectable so tests get fixed waits.
    public var random: @Sendable () -> Double = { Double.random(in: 0...1) }

    public init() {}

    /// What one try ended with.
    public enum Outcome: Sendable, Equatable {
        /// A complete response; `retryAfter` is its `Retry-After` header, if any.
        case response(status: Int, retryAfter: String?)
        /// A failure; `requestSent` says whether any request byte may have reached the server.
        case failure(HTTPClientError, requestSent: Bool)
    }

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        /// Return this outcome to the caller.
        case stop
    }

    /// The decision after try number `attempt` (1-based) ended with `outcome`.
    /// `now`/`deadline` bound the wait; `wallClock` turns an HTTP-date `Retry-After` into a wait.
    public func decide(attempt: Int, outcome: Outcome, idempotent: Bool, now: ContinuousClock.Instant,
                       deadline: ContinuousClock.Instant?, wallClock: Date) -> Decision {
        guard attempt < maxAttempts else { return .stop }
        let wait: Duration
        switch outcome {
        case .response(let status, let retryAfter) where status == 429 || status == 503:
            if let retryAfter, let asked = Self.retryAfter(retryAfter, now: wallClock) {
                guard asked <= maxRetryAfter else { return .stop }
                wait = asked
            } else {
                wait = backoff(attempt: attempt)
            }
        case .response(let status, _) where status >= 500 && status <= 599 && idempotent:
            wait = backoff(attempt: attempt)
        case .response:
            return .stop
        case .failure(let error, let sent):
            switch error {
            case .connectFailed, .connectTimeout:
                wait = backoff(attempt: attempt)
            case .connectionClosed where !sent || idempotent:
                wait = backoff(attempt: attempt)
            default:
                return .stop
            }
        }
        if let deadline, now + wait >= deadline { return .stop }
        return .retry(after: wait)
    }

    /// Full jitter: uniform in 0...min(maxDelay, baseDelay * 2^(attempt-1)).
    func backoff(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let draw = min(max(random(), 0), 1)
        return ceiling * draw
    }

    /// `Retry-After` as a wait: delay-seconds or an HTTP-date (IMF-fixdate) relative to `now`; a
    /// date in the past is no wait. Nil when it is neither.
    static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // More than a day is as good as "never" for us; clamping avoids overflow.
            guard text.utf8.count <= 9, let seconds = Int(text) else { return .seconds(86_400) }
            return .seconds(seconds)
        }
        guard let date = httpDateFormatter().date(from: text) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .milliseconds(Int64((interval * 1_000).rounded(.up)))
    }

    /// A fresh formatter per call: DateFormatter is not Sendable, and Retry-After is rare.
    private static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}
