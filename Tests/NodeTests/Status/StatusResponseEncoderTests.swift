import Logging
import Coordination
import Foundation
import Testing
@testable import Node

/// The hand-written status body must say exactly what `JSONEncoder` said for `StatusResponse`.
@Suite struct StatusResponseEncoderTests {
    let services = ServiceCatalog.defaults.names.compactMap { ServiceCatalog.defaults[$0] }

    /// `StatusController.rfc3339(ms:)` as it should be: it goes through `Double(ms) / 1000`, and the format
    /// style truncates, so 1.588 s (1.58799...) printed as .587 about half the time. Half a
    /// millisecond more makes the same formatter print the stored millisecond.
    static func reference(ms: Int64) -> String {
        Logger.timestamp(Date(timeIntervalSince1970: (Double(ms) + 0.5) / 1000))
    }

    @Test func sameJSONAsTheEncoder() throws {
        let nodes = [ClusterNode(id: "node-a", startedAtMs: 1_796_300_000_123, lastSeenAtMs: 1_796_300_001_999),
                     ClusterNode(id: "b \"quoted\" \\ \u{1}", startedAtMs: 0, lastSeenAtMs: 951_782_400_000)]
        for list in [[], Array(nodes.prefix(1)), nodes] {
            let figures = BudgetFigures(level: .throttled, spentTodayMicros: 91, spentMonthMicros: 91, reservedMicros: 0,
                                        dailyLimitMicros: 100, monthlyBudgetMicros: 1000, dayResetMs: 1, monthResetMs: 2)
            let states: [String: ServiceLiveState] = [
                "maps": ServiceLiveState(circuit: .open, budget: nil),
                "stripe": ServiceLiveState(circuit: .closed, budget: figures),
                "twilio": ServiceLiveState(circuit: .halfOpen, budget: figures),
            ]
            let ours = try StatusResponseEncoder(services: services, servedBy: "node-\"a\"").encode(list, states: states)
            let expected = StatusController.StatusResponse(
                nodes: list.map { .init(id: $0.id, startedAt: Self.reference(ms: $0.startedAtMs),
                                        lastSeenAt: Self.reference(ms: $0.lastSeenAtMs)) },
                services: services.map { .init(definition: $0, live: states[$0.name]) }, servedBy: "node-\"a\"")
            let parsedOurs = try JSONSerialization.jsonObject(with: Data(ours)) as? NSDictionary
            let parsedExpected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(expected)) as? NSDictionary
            #expect(parsedOurs != nil)
            #expect(parsedOurs == parsedExpected)
        }
        let states = [ServiceLiveState(circuit: .open, budget: nil), ServiceLiveState(circuit: .halfOpen, budget: nil),
                      ServiceLiveState(circuit: .closed, budget: BudgetFigures(level: .throttled, spentTodayMicros: 91, spentMonthMicros: 0,
                                                                               reservedMicros: 0, dailyLimitMicros: 100, monthlyBudgetMicros: 0,
                                                                               dayResetMs: 0, monthResetMs: 0)),
                      ServiceLiveState(circuit: .closed, budget: nil)]
        #expect(states.map(\.state) == [.down, .degraded, .throttled, .healthy])
    }

    /// Whole milliseconds (as heartbeats store them) across leap years, century rules and year ends.
    @Test func timestampsMatchTheLogFormat() {
        var values: [Int64] = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_102_444_800_000,
                               1_796_300_000_123, 253_402_300_799_999]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int64(state >> 22) % 4_102_444_800_000)
        }
        for ms in values {
            var out: [UInt8] = []
            StatusResponseEncoder.appendTimestamp(ms: ms, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Self.reference(ms: ms), "ms \(ms)")
        }
    }
}
