/// Command line: `provider-emulator [--port N] [--host H] [--loops N] [--latency-ms N]`.
struct EmulatorOptions: Sendable {
    /// 0 asks the kernel for a free port; the chosen one is printed in the "listening" line.
    var port = 0
    var host = "127.0.0.1"
    /// Two loops: the emulator shares the machine with the nodes it serves.
    var loops = 2
    /// Overrides every service's default latency (e.g. 0 for benchmarks of the node itself).
    var latencyMs: Int?

    static let usage = "usage: provider-emulator [--port N] [--host H] [--loops N] [--latency-ms N]"

    init(arguments: [String]) throws(EmulatorError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw EmulatorError("\(flag) needs a value\n\(Self.usage)") }
            switch flag {
            case "--port": port = try Self.integer(flag, value, 0...65_535)
            case "--host": host = value
            case "--loops": loops = try Self.integer(flag, value, 1...64)
            case "--latency-ms": latencyMs = try Self.integer(flag, value, 0...60_000)
            default: throw EmulatorError("unknown option \(flag)\n\(Self.usage)")
            }
        }
    }

    static func integer(_ flag: String, _ value: String, _ range: ClosedRange<Int>) throws(EmulatorError) -> Int {
        guard let number = Int(value), range.contains(number) else { throw EmulatorError("\(flag) must be an integer in \(range)") }
        return number
    }
}
