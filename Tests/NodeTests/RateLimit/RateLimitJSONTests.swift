import Foundation
import Testing
@testable import Coordination
@testable import Node

/// The hand-written check answer says exactly what `JSONEncoder` says for `CheckResponse`.
@Suite struct RateLimitJSONTests {
    @Test func sameObjectAsTheEncoder() throws {
        let policy = RateLimitPolicy(service: "tw\"i\\lio", tiers: [
            RateLimitTier(name: "burst", limit: 10, windowMs: 1_000),
            RateLimitTier(name: "sustained", limit: 100, windowMs: 60_000),
        ], mode: .shadow)
        let replies: [[Int64]] = [
            [1, 0, 0, 1_796_300_000_123, 1, 3, 999, 10, 0, 3, 59_999, 100, 0],
            [0, 2, 417, 1_796_300_000_123, 0, 10, 12, 10, 1, 100, 417, 100, 2],
            [0, 1, -1, 5, 0, 0, 0, 10, 0, 0, 0, 100, 3],
        ]
        for reply in replies {
            let decision = try #require(RateLimitDecision(reply: reply, policy: policy))
            let hand = try JSONSerialization.jsonObject(with: Data(RateLimitJSON.check(decision, service: policy.service))) as? NSDictionary
            let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(
                RateLimitController.CheckResponse(decision, service: policy.service))) as? NSDictionary
            #expect(hand != nil && hand == encoded, "\(reply)")
        }
    }
}
