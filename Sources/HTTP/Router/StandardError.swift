import Glibc

/// Line-oriented writes to stderr without Foundation's FileHandle (cheap, safe from any thread).
public enum StandardError {
    public static func write(_ line: String) {
        var bytes = Array(line.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(2, base + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
