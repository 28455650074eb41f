import Glibc

/// The IMF-fixdate for the `Date` header, recomputed at most once a second per loop.
struct HTTPDateCache {
    private var second: Int = -1
    private var cached: String = ""
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func current() -> String {
        var now = time(nil)
        if now == second { return cached }
        second = now
        var parts = tm()
        gmtime_r(&now, &parts)
        cached = Self.format(parts)
        return cached
    }

    static func format(_ t: tm) -> String {
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let day = days[Int(t.tm_wday) % 7], month = months[Int(t.tm_mon) % 12]
        return "\(day), \(two(t.tm_mday)) \(month) \(t.tm_year + 1900) \(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT"
    }
}
