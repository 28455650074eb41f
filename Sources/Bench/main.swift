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
default:
    print("""
        usage: coordinator-bench redis --url redis://host:port [--tasks N] [--seconds S] [--connections C]
                                  [--executor global|loops] [--tests incr,evalsha]
        """)
    exit(arguments.isEmpty ? 0 : 2)
}
