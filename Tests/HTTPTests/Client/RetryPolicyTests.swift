import Foundation
import Testing
@testable import HTTP

/// Retry decisions as a table: which outcomes are retried, after how long, and when the deadline or
/// the attempt budget stops them. The jitter draw is fixed at 0.5.
@Suite struct RetryPolicyTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        var attempt = 1
        let outcome: RetryPolicy.Outcome
        var idempotent = false
        /// Time left before the deadline; nil: no deadline.
        var deadlineIn: Duration?
        let expected: RetryPolicy.Decision
        var description: String { name }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let inTenSeconds = httpDate(now.addingTimeInterval(10))

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static let cases: [Case] = [
        Case(name: "connect failure retried", outcome: .failure(.connectFailed("refused"), requestSent: false), expected: .retry(after: .milliseconds(50))),
        Case(name: "connect timeout retried", outcome: .failure(.connectTimeout, requestSent: false), expected: .retry(after: .milliseconds(50))),
        Case(name: "backoff doubles", attempt: 2, outcome: .failure(.connectTimeout, requestSent: false), expected: .retry(after: .milliseconds(100))),
        Case(name: "attempts exhausted", attempt: 3, outcome: .failure(.connectTimeout, requestSent: false), expected: .stop),
        Case(name: "closed before send retried", outcome: .failure(.connectionClosed, requestSent: false), expected: .retry(after: .milliseconds(50))),
        Case(name: "closed after send, not idempotent", outcome: .failure(.connectionClosed, requestSent: true), expected: .stop),
        Case(name: "closed after send, idempotent", outcome: .failure(.connectionClosed, requestSent: true), idempotent: true,
             expected: .retry(after: .milliseconds(50))),
        Case(name: "request timeout not retried", outcome: .failure(.requestTimeout, requestSent: true), idempotent: true, expected: .stop),
        Case(name: "malformed not retried", outcome: .failure(.malformedResponse("x"), requestSent: true), idempotent: true, expected: .stop),
        Case(name: "dns not retried", outcome: .failure(.dns("nx"), requestSent: false), expected: .stop),
        Case(name: "200 returned", outcome: .response(status: 200, retryAfter: nil), idempotent: true, expected: .stop),
        Case(name: "404 returned", outcome: .response(status: 404, retryAfter: nil), idempotent: true, expected: .stop),
        Case(name: "500 not idempotent", outcome: .response(status: 500, retryAfter: nil), expected: .stop),
        Case(name: "500 idempotent", outcome: .response(status: 500, retryAfter: nil), idempotent: true, expected: .retry(after: .milliseconds(50))),
        Case(name: "502 idempotent", outcome: .response(status: 502, retryAfter: nil), idempotent: true, expected: .retry(after: .milliseconds(50))),
        Case(name: "503 Retry-After seconds, not idempotent", outcome: .response(status: 503, retryAfter: "2"), expected: .retry(after: .seconds(2))),
        Case(name: "429 Retry-After seconds", outcome: .response(status: 429, retryAfter: " 1 "), expected: .retry(after: .seconds(1))),
        Case(name: "429 without Retry-After backs off", outcome: .response(status: 429, retryAfter: nil), expected: .retry(after: .milliseconds(50))),
        Case(name: "429 Retry-After HTTP-date", outcome: .response(status: 429, retryAfter: inTenSeconds), expected: .retry(after: .seconds(10))),
        Case(name: "Retry-After date in the past", outcome: .response(status: 503, retryAfter: httpDate(now.addingTimeInterval(-5))),
             expected: .retry(after: .zero)),
        Case(name: "Retry-After over the cap", outcome: .response(status: 503, retryAfter: "31"), expected: .stop),
        Case(name: "Retry-After huge number", outcome: .response(status: 503, retryAfter: "99999999999999999999"), expected: .stop),
        Case(name: "Retry-After garbage backs off", outcome: .response(status: 503, retryAfter: "soon"), expected: .retry(after: .milliseconds(50))),
        Case(name: "wait passes the deadline", outcome: .response(status: 503, retryAfter: "2"), deadlineIn: .seconds(1), expected: .stop),
        Case(name: "wait fits the deadline", outcome: .response(status: 503, retryAfter: "2"), deadlineIn: .seconds(3), expected: .retry(after: .seconds(2))),
    ]

    @Test(arguments: cases)
    func decision(_ test: Case) {
        var policy = RetryPolicy()
        policy.random = { 0.5 }
        let now = ContinuousClock.now
        let decision = policy.decide(attempt: test.attempt, outcome: test.outcome, idempotent: test.idempotent, now: now,
                                     deadline: test.deadlineIn.map { now + $0 }, wallClock: Self.now)
        #expect(decision == test.expected)
    }

    @Test func backoffIsCappedAndJittered() {
        var policy = RetryPolicy()
        policy.maxAttempts = 50
        policy.random = { 1 }
        #expect(policy.backoff(attempt: 1) == .milliseconds(100))
        #expect(policy.backoff(attempt: 4) == .milliseconds(800))
        #expect(policy.backoff(attempt: 40) == .seconds(5))
        policy.random = { 0 }
        #expect(policy.backoff(attempt: 4) == .zero)
    }
}
