import CSSL

/// OpenSSL's per-thread error queue, read into the words a `ClientLayerError` carries. Cleared before
/// each libssl call that may fail, so a stale entry from an unrelated call on the same thread (the
/// queue is per thread, shared by every SSL object on it) is never blamed on this one.
enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    /// Every queued reason, oldest first, joined by "; " ("certificate verify failed"); empties the
    /// queue. `fallback` when the queue is empty.
    static func drain(fallback: String) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
