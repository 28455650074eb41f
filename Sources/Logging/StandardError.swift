import Glibc

/// Line-oriented writes to stderr without Foundation's FileHandle (cheap, safe from any thread).
public enum StandardError {
    public static func write(_ line: String) {
        write(lines: [line])
    }

    /// The lines, each ending in a newline, in one write(2) (a batch of log lines, not one call each).
    public static func write(lines: [String]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            if line.utf8.last != 0x0A { bytes.append(0x0A) }
        }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(2, base + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
