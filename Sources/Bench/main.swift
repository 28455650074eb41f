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
case "redis-soak":
    var url = "redis://127.0.0.1:6379", seconds = 20.0, tasks = 40
    var rest = Array(arguments.dropFirst())
    while rest.count >= 2 {
        if rest[0] == "--url" { url = rest[1] }
        if rest[0] == "--tasks", let value = Int(rest[1]), value > 0 { tasks = value }
        if rest[0] == "--seconds", let value = Double(rest[1]), value > 0 { seconds = value }
        rest.removeFirst(2)
    }
    do {
        let passed = try await RedisSoak(url: url, seconds: seconds, tasks: tasks).run()
        exit(passed ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("coordinator-bench redis-soak: \(error)\n".utf8))
        exit(1)
    }
case "pg-soak":
    var url = "postgres://postgres@127.0.0.1:5432/postgres", seconds = 20.0, tasks = 16
    var rest = Array(arguments.dropFirst())
    while rest.count >= 2 {
        if rest[0] == "--url" { url = rest[1] }
        if rest[0] == "--tasks", let value = Int(rest[1]), value > 0 { tasks = value }
        if rest[0] == "--seconds", let value = Double(rest[1]), value > 0 { seconds = value }
        rest.removeFirst(2)
    }
    do {
        let passed = try await PostgresSoak(url: url, seconds: seconds, tasks: tasks).run()
        exit(passed ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("coordinator-bench pg-soak: \(error)\n".utf8))
        exit(1)
    }
case "resume-floor":
    var tasks = 100, seconds = 2.0
    var rest = Array(arguments.dropFirst())
    while rest.count >= 2 {
        if rest[0] == "--tasks", let value = Int(rest[1]), value > 0 { tasks = value }
        if rest[0] == "--seconds", let value = Double(rest[1]), value > 0 { seconds = value }
        rest.removeFirst(2)
    }
    await ResumeFloorBenchmark(tasks: tasks, seconds: seconds).run()
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
