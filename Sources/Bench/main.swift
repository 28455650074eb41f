// Entry point of `coordinator-bench`: benchmarks that print our figure beside a reference's.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "redis":
    do {
        let options = try RedisBenchmark.Options(parsing: Array(arguments.dropFirst()))
        try await RedisBenchmark(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("coordinator-bench redis: \(error)\n".utf8))
        exit(1)
    }
case "redis-soak", "pg-soak":
    let soak = arguments[0]
    let redis = soak == "redis-soak"
    let options = RunOptions(parsing: Array(arguments.dropFirst()),
                             url: redis ? "redis://127.0.0.1:6379" : "postgres://postgres@127.0.0.1:5432/postgres",
                             tasks: redis ? 40 : 16, seconds: 20)
    do {
        let passed = redis
            ? try await RedisSoak(url: options.url, seconds: options.seconds, tasks: options.tasks).run()
            : try await PostgresSoak(url: options.url, seconds: options.seconds, tasks: options.tasks).run()
        exit(passed ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("coordinator-bench \(soak): \(error)\n".utf8))
        exit(1)
    }
case "resume-floor":
    let options = RunOptions(parsing: Array(arguments.dropFirst()), tasks: 100, seconds: 2)
    await ResumeFloorBenchmark(tasks: options.tasks, seconds: options.seconds).run()
default:
    print("""
        usage: coordinator-bench redis --url redis://host:port [--tasks N] [--seconds S] [--connections C] [--spillover N] [--io-threads T]
                                  [--executor global|loops|client] [--tests incr,evalsha]
               coordinator-bench redis-soak --url redis://host:port [--tasks N] [--seconds S]   (scripts/soak-redis.sh)
               coordinator-bench pg-soak --url postgres://... [--tasks N] [--seconds S]         (scripts/soak-postgres.sh)
               coordinator-bench resume-floor [--tasks N] [--seconds S]
        """)
    exit(arguments.isEmpty ? 0 : 2)
}
