import Foundation
import Logging
import Storage
import Synchronization

/// A bounded chaos run of the Redis client (`coordinator-bench redis-soak`), driven by
/// `scripts/soak-redis.sh`, which kills and restarts Redis meanwhile. Tasks (half on the client's
/// executor, half on the global pool) each INCR their own key and check every reply against what
/// they know: after an error that may or may not have run the command (connection lost, timeout)
/// they resynchronise with GET. It reports what a user must be able to rely on, and fails when:
/// a reply is wrong (a lost or duplicated increment outside such an error), a command takes longer
/// than its timeout plus a margin (a hang), an error has an unexpected code, or nothing succeeds
/// after the last restart (no recovery).
struct RedisSoak {
    let url: String
    let seconds: Double
    let tasks: Int

    /// What every task found, merged at the end.
    struct Tally: Sendable {
        var successes = 0
        var errors: [String: Int] = [:]
        var violations: [String] = []
        var slowest: Duration = .zero
        var lastSuccess: ContinuousClock.Instant?

        mutating func merge(_ other: Tally) {
            successes += other.successes
            errors.merge(other.errors, uniquingKeysWith: +)
            violations += other.violations.prefix(max(0, 20 - violations.count))
            slowest = max(slowest, other.slowest)
            if let last = other.lastSuccess { lastSuccess = max(lastSuccess ?? last, last) }
        }
    }

    /// Error codes a Redis outage may legitimately produce.
    static let outageCodes: Set<RedisError.Code> = [.connectionLost, .connectionFailed, .timeout]

    func run() async throws -> Bool {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = .seconds(1)
        configuration.connectTimeout = .milliseconds(500)
        configuration.backoff = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(300))
        let redis = try RedisClient(configuration: configuration)
        let prefix = "soak:\(ProcessInfo.processInfo.processIdentifier):"
        let stop = StopFlag()
        let bound = configuration.commandTimeout * 3 + .milliseconds(500)
        let start = ContinuousClock.now
        let tally = await withTaskGroup(of: Tally.self) { group in
            for index in 0..<tasks {
                let body: @Sendable () async -> Tally = {
                    await Self.loop(redis, key: prefix + "\(index)", stop: stop, bound: bound)
                }
                if index % 2 == 0 {
                    group.addTask(executorPreference: redis.executor(for: index), operation: body)
                } else {
                    group.addTask(operation: body)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                stop.set()
                return Tally()
            }
            return await group.reduce(into: Tally()) { $0.merge($1) }
        }
        await redis.shutdown()
        let elapsed = ContinuousClock.now - start
        print("soak_seconds \(elapsed.components.seconds)")
        print("successes \(tally.successes)")
        for (code, count) in tally.errors.sorted(by: { $0.key < $1.key }) { print("error \(code) \(count)") }
        print("slowest_ms \(tally.slowest.wholeMilliseconds)")
        for violation in tally.violations { print("violation \(violation)") }
        let recovered = tally.lastSuccess.map { ContinuousClock.now - $0 < .seconds(3) } ?? false
        if !recovered { print("violation no command succeeded in the last 3 s of the run") }
        return tally.violations.isEmpty && recovered && tally.successes > 0
    }

    /// One task: INCR, check, repeat; resynchronise after an outage error.
    private static func loop(_ redis: RedisClient, key: String, stop: StopFlag, bound: Duration) async -> Tally {
        var tally = Tally()
        var expected: Int64?
        while !stop.isSet {
            let started = ContinuousClock.now
            let result: Result<RedisReply, RedisError>
            do {
                result = .success(try await redis.send("INCR", key))
            } catch {
                result = .failure(error)
            }
            let took = ContinuousClock.now - started
            tally.slowest = max(tally.slowest, took)
            if took > bound { tally.violations.append("\(key): a command took \(took) (bound \(bound))") }
            switch result {
            case .success(let reply):
                guard let value = reply.integer else {
                    tally.violations.append("\(key): INCR answered \(reply)")
                    continue
                }
                // Redis restarted empty: counting starts again at 1, which is not a lost increment.
                if let known = expected, value != known + 1, value != 1 {
                    tally.violations.append("\(key): INCR gave \(value) after \(known)")
                }
                expected = value
                tally.successes += 1
                tally.lastSuccess = ContinuousClock.now
            case .failure(let error):
                tally.errors["\(error.code)", default: 0] += 1
                if !outageCodes.contains(error.code) {
                    tally.violations.append("\(key): unexpected error \(error)")
                }
                // The INCR may have run: learn the value again before checking the next one.
                expected = nil
                try? await Task.sleep(for: .milliseconds(10))
                if let current = try? await redis.send("GET", key) {
                    expected = current.string.flatMap { Int64($0) } ?? 0
                }
            }
        }
        return tally
    }
}
