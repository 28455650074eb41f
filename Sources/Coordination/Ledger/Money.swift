/// Money in words for messages (never for arithmetic: amounts stay integer micro-dollars).
enum Money {
    /// `$1.2345`: whole dollars and four decimals (a hundredth of a cent), exact from the micros.
    static func dollars(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let cents = String(magnitude % 1_000_000 / 100)
        return "\(sign)$\(magnitude / 1_000_000).\(String(repeating: "0", count: 4 - cents.count))\(cents)"
    }
}
