import Foundation
import Glibc
import Storage
import Synchronization
import Testing
import TestSupport
@testable import Coordination

/// The hub against the test script's real Redis: publish, fan-out, history recovery, gap filling.
@Suite struct RealtimeHubTests {
    /// Collects what the hub delivers.
    final class Collector: RealtimeSink {
        let sinkID: Int
        let events = Mutex<[RealtimeEvent]>([])
        init(id: Int) { sinkID = id }
        func deliver(_ event: RealtimeEvent) { events.withLock { $0.append(event) } }
        var ids: [RealtimeEventID] { events.withLock { $0.map(\.id) } }
    }

    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: TestEnvironment.redisURL()))
    }

    static func room() -> String { "test_room_\(UInt32.random(in: 0...UInt32.max))" }

    func waitFor(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func fansOutToEverySinkOfTheRoomOnEveryHub() async throws {
        let redis = try Self.redis()
        let hubA = try RealtimeHub(redis: redis), hubB = try RealtimeHub(redis: redis)
        let runs = [Task { await hubA.run() }, Task { await hubB.run() }]
        let room = Self.room()
        let a1 = Collector(id: hubA.makeSinkID()), a2 = Collector(id: hubA.makeSinkID()), b1 = Collector(id: hubB.makeSinkID())
        let other = Collector(id: hubB.makeSinkID())
        _ = try await hubA.join(room, sink: a1, since: nil)
        _ = try await hubA.join(room, sink: a2, since: nil)
        _ = try await hubB.join(room, sink: b1, since: nil)
        _ = try await hubB.join(room + "_other", sink: other, since: nil)

        var ids: [RealtimeEventID] = []
        for n in 0..<20 {
            ids.append(try await hubA.publish(room: room, event: "e", priority: .medium, data: "{\"n\":\(n)}").id)
        }
        #expect(ids == ids.sorted())
        #expect(await waitFor { a1.ids.count == 20 && a2.ids.count == 20 && b1.ids.count == 20 })
        #expect(a1.ids == ids && a2.ids == ids && b1.ids == ids)
        #expect(other.ids.isEmpty)
        #expect(hubA.statistics().rooms[room] == 2)
        #expect(hubA.statistics().published == 20)
        #expect(hubB.statistics().delivered >= 20)

        hubA.leave(room, sinkID: a2.sinkID)
        let last = try await hubB.publish(room: room, event: "e", priority: .low, data: "1").id
        #expect(await waitFor { a1.ids.last == last })
        #expect(a2.ids.count == 20)
        await hubA.shutdown(); await hubB.shutdown()
        for run in runs { await run.value }
        await redis.shutdown()
    }

    @Test func recoversFromHistoryAndSaysWhenItCannot() async throws {
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis, historyLength: 5, maxRecovered: 3)
        let run = Task { await hub.run() }
        let room = Self.room()
        var ids: [RealtimeEventID] = []
        for n in 0..<4 { ids.append(try await hub.publish(room: room, event: "e", priority: .high, data: "\(n)").id) }

        let full = try await hub.history(room, after: ids[0])
        #expect(full.recovered)
        #expect(full.missed.map(\.id) == Array(ids[1...]))
        #expect(full.missed.map(\.data) == ["1", "2", "3"])
        #expect(full.missed.allSatisfy { $0.priority == .high && $0.room == room })

        let nothing = try await hub.history(room, after: ids[3])
        #expect(nothing.recovered && nothing.missed.isEmpty)
        // Older than anything kept: maybe trimmed, so not complete.
        let tooOld = try await hub.history(room, after: RealtimeEventID(milliseconds: 0, sequence: 0))
        #expect(!tooOld.recovered)
        #expect(tooOld.missed.count == 3)    // capped at maxRecovered
        // More missed than maxRecovered: not complete either.
        for n in 4..<8 { ids.append(try await hub.publish(room: room, event: "e", priority: .high, data: "\(n)").id) }
        let capped = try await hub.history(room, after: ids[3])
        #expect(!capped.recovered)
        #expect(capped.missed.map(\.id) == Array(ids[4..<7]))

        let sink = Collector(id: hub.makeSinkID())
        let join = try await hub.join(room, sink: sink, since: ids[6])
        #expect(join.recovered && join.missed.map(\.id) == [ids[7]])
        await hub.shutdown()
        await run.value
        await redis.shutdown()
    }

    /// Events this node's pub/sub missed (published to history only) are fanned out after a reconnect.
    @Test func fillsGapsFromHistoryOnceEach() async throws {
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis)
        let run = Task { await hub.run() }
        let room = Self.room()
        let sink = Collector(id: hub.makeSinkID())
        _ = try await hub.join(room, sink: sink, since: nil)
        let seen = try await hub.publish(room: room, event: "e", priority: .medium, data: "0").id
        #expect(await waitFor { sink.ids == [seen] })
        // Two events reach history but not this hub's pub/sub (another channel), as during an outage.
        var missed: [RealtimeEventID] = []
        for n in 1...2 {
            let reply = try await redis.run(RealtimePublishScript.script, keys: [KeySpace().room(room).history],
                                            args: ["elsewhere", "medium", "e", String(n), "100", "60000"])
            missed.append(try #require(reply.array?.first?.string.flatMap { RealtimeEventID($0) }))
        }
        await hub.fillGaps()
        await hub.fillGaps()
        #expect(sink.ids == [seen] + missed)
        #expect(hub.statistics().gapFilled == 2)
        await hub.shutdown()
        await run.value
        await redis.shutdown()
    }

    /// A gap longer than one page of history is filled completely, in order.
    @Test func fillsLongGapsPageByPage() async throws {
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis, maxRecovered: 3)
        let run = Task { await hub.run() }
        let room = Self.room()
        let sink = Collector(id: hub.makeSinkID())
        _ = try await hub.join(room, sink: sink, since: nil)
        let seen = try await hub.publish(room: room, event: "e", priority: .medium, data: "0").id
        #expect(await waitFor { sink.ids == [seen] })
        var missed: [RealtimeEventID] = []
        for n in 1...8 {
            let reply = try await redis.run(RealtimePublishScript.script, keys: [KeySpace().room(room).history],
                                            args: ["elsewhere", "low", "e", String(n), "100", "60000"])
            missed.append(try #require(reply.array?.first?.string.flatMap { RealtimeEventID($0) }))
        }
        await hub.fillGaps()
        #expect(sink.ids == [seen] + missed)
        await hub.shutdown()
        await run.value
        await redis.shutdown()
    }

    /// History that cannot be read when the subscriber comes back (here: the hub's Redis user may not
    /// run XRANGE for a moment, as when its command connections reconnect later) is retried until it
    /// answers: nothing missed is skipped.
    @Test func retriesAGapFillUntilHistoryAnswers() async throws {
        let admin = try Self.redis()
        let user = "gapfill\(UInt32.random(in: 0...UInt32.max))"
        _ = try await admin.send("ACL", arguments: ["SETUSER", user, "on", ">pw", "~*", "&*", "+@all"]).throwingServerError()
        let url = try TestEnvironment.redisURL()
        let redis = try RedisClient(configuration: RedisConfiguration(url: url.replacingOccurrences(of: "redis://", with: "redis://\(user):pw@")))
        let hub = try RealtimeHub(redis: redis)
        let run = Task { await hub.run() }
        let room = Self.room()
        let sink = Collector(id: hub.makeSinkID())
        _ = try await hub.join(room, sink: sink, since: nil)
        let seen = try await hub.publish(room: room, event: "e", priority: .medium, data: "0").id
        #expect(await waitFor { sink.ids == [seen] })
        let reply = try await admin.run(RealtimePublishScript.script, keys: [KeySpace().room(room).history],
                                        args: ["elsewhere", "high", "e", "1", "100", "60000"])
        let missed = try #require(reply.array?.first?.string.flatMap { RealtimeEventID($0) })
        _ = try await admin.send("ACL", arguments: ["SETUSER", user, "-xrange"]).throwingServerError()
        let fill = Task { await hub.fillGaps() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.ids == [seen], "nothing can be read yet")
        _ = try await admin.send("ACL", arguments: ["SETUSER", user, "+xrange"]).throwingServerError()
        await fill.value
        #expect(sink.ids == [seen, missed])
        await hub.shutdown()
        await run.value
        await redis.shutdown()
        _ = try await admin.send("ACL", arguments: ["DELUSER", user])
        await admin.shutdown()
    }

    /// Fan-out stalls (a sink blocks the hub for a moment) while events keep coming: the subscriber's
    /// small buffer drops the oldest, and the hub takes them from history instead: nothing is lost,
    /// nothing is doubled, order holds.
    @Test func aSubscriberThatFellBehindRecoversFromHistory() async throws {
        /// Blocks the hub on its first event, as a slow fan-out would.
        final class SlowFirst: RealtimeSink {
            let sinkID: Int
            let events = Mutex<[RealtimeEventID]>([])
            init(id: Int) { sinkID = id }
            func deliver(_ event: RealtimeEvent) {
                let first = events.withLock { events in
                    events.append(event.id)
                    return events.count == 1
                }
                if first { usleep(400_000) }
            }
        }
        let redis = try Self.redis()
        let hub = try RealtimeHub(redis: redis, subscriberBuffer: 4)
        let run = Task { await hub.run() }
        let room = Self.room()
        let sink = SlowFirst(id: hub.makeSinkID())
        _ = try await hub.join(room, sink: sink, since: nil)
        var ids: [RealtimeEventID] = []
        for n in 0..<30 { ids.append(try await hub.publish(room: room, event: "e", priority: .low, data: String(n)).id) }
        #expect(await waitFor { sink.events.withLock { $0.count } >= 30 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.events.withLock { $0 } == ids)
        #expect(hub.statistics().gapFilled > 0, "the buffer of 4 must have overflowed while the hub was blocked")
        await hub.shutdown()
        await run.value
        await redis.shutdown()
    }
}
