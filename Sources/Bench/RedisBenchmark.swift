import Foundation
import Logging
import HTTP
import Storage
import Synchronization

/// Throughput of our Redis client under many concurrent tasks (automatic pipelining), printed as
/// `name ops_per_sec` lines that scripts/bench-redis.sh sets beside redis-benchmark's figures.
struct RedisBenchmark {
    /// Command-line options of `coordinator-bench redis`.
    struct Options {
        var url = "redis://127.0.0.1:6379"
        var tasks = 100
        var seconds = 5.0
        var connections = 2
        /// `RedisConfiguration.spilloverThreshold` (nil: the default).
        var spillover: Int?
        /// `RedisConfiguration.ioThreadCount` (nil: the default).
        var ioThreads: Int?
        /// Where the tasks run: `global` (Swift's default pool), `loops` (an `EventLoopGroup` as
        /// task executor, one loop per core, as the node runs its request handlers) or `client`
        /// (the client's own executors: task i on connection i mod C's thread).
        var executor = "global"
        /// Which tests run (`incr`, `evalsha`), so a profiler can watch one at a time.
        var tests: Set<String> = ["incr", "evalsha"]

        /// A bad command line, with the reason.
        struct Invalid: Error, CustomStringConvertible {
            var description: String
        }

        init(parsing arguments: [String]) throws {
            var index = 0
            func value() throws -> String {
                index += 1
                guard index < arguments.count else { throw Invalid(description: "\(arguments[index - 1]) needs a value") }
                return arguments[index]
            }
            while index < arguments.count {
                switch arguments[index] {
                case "--url": url = try value()
                case "--tasks": tasks = try Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { throw Invalid(description: "bad --tasks") }()
                case "--seconds": seconds = try Double(value()).flatMap { $0 > 0 ? $0 : nil } ?? { throw Invalid(description: "bad --seconds") }()
                case "--connections": connections = try Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { throw Invalid(description: "bad --connections") }()
                case "--io-threads": ioThreads = try Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { throw Invalid(description: "bad --io-threads") }()
                case "--spillover": spillover = try Int(value()).flatMap { $0 > 0 ? $0 : nil } ?? { throw Invalid(description: "bad --spillover") }()
                case "--tests":
                    tests = Set(try value().split(separator: ",").map(String.init))
                    guard !tests.isEmpty, tests.isSubset(of: ["incr", "evalsha"]) else { throw Invalid(description: "bad --tests") }
                case "--executor":
                    executor = try value()
                    guard ["global", "loops", "client"].contains(executor) else { throw Invalid(description: "bad --executor") }
                default: throw Invalid(description: "unknown option \(arguments[index])")
                }
                index += 1
            }
        }
    }

    /// The Lua script both we and redis-benchmark run: small, one key.
    static let scriptSource = "return redis.call('INCR', KEYS[1])"

    let options: Options

    func run() async throws {
        var configuration = try RedisConfiguration(url: options.url)
        configuration.connectionCount = options.connections
        if let spillover = options.spillover { configuration.spilloverThreshold = spillover }
        if let ioThreads = options.ioThreads { configuration.ioThreadCount = ioThreads }
        let redis = try RedisClient(configuration: configuration)
        try await redis.ping()
        let script = RedisScript(Self.scriptSource)
        let sha = try await redis.load(script)
        print("script_sha \(sha)")
        let key = "bench:\(ProcessInfo.processInfo.processIdentifier)"
        let loops = options.executor == "loops" ? try EventLoopGroup() : nil

        if options.tests.contains("incr") {
            let incr = try await measure(redis, on: loops) { redis in try await redis.send("INCR", key) }
            print("incr_ops_per_sec \(Int(incr))")
        }
        if options.tests.contains("evalsha") {
            let evalsha = try await measure(redis, on: loops) { redis in try await redis.run(script, keys: [key]) }
            print("evalsha_ops_per_sec \(Int(evalsha))")
        }
        try await redis.send("DEL", key)
        await redis.shutdown()
        await loops?.shutdown()
    }

    /// Runs `operation` in a loop from `tasks` tasks for the configured time; returns operations/s.
    /// `operation` is `nonisolated(nonsending)` so calling it costs no executor switch: the loop
    /// then measures `send` itself, as if its body were written inline.
    /// With `loops`, task i runs on loop i mod count, as the node's handlers run on their connection's loop;
    /// with `client`, on `redis.executor(for: i)`.
    private func measure(_ redis: RedisClient, on loops: EventLoopGroup?,
                         _ operation: nonisolated(nonsending) @escaping @Sendable (RedisClient) async throws -> Void) async throws -> Double {
        let stop = StopFlag()
        let duration = Duration.milliseconds(Int64(options.seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<options.tasks {
                let body: @Sendable () async throws -> Int = {
                    var count = 0
                    while !stop.isSet {
                        try await operation(redis)
                        count += 1
                    }
                    return count
                }
                if options.executor == "client" {
                    group.addTask(executorPreference: redis.executor(for: index), operation: body)
                } else if let loops {
                    group.addTask(executorPreference: loops.loops[index % loops.loops.count], operation: body)
                } else {
                    group.addTask(operation: body)
                }
            }
            group.addTask {
                try await Task.sleep(for: duration)
                stop.set()
                return 0
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.fractionalSeconds
        return Double(total) / seconds
    }
}

/// Tells the benchmark's tasks to stop; a class so every task shares the one atomic.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
