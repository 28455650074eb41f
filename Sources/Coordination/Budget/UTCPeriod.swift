import Foundation

/// The UTC day and month an instant falls in, numbered as the budget scripts number them
/// (day: days since 1970-01-01; month: year * 12 + month - 1).
public struct UTCPeriod: Sendable, Hashable {
    public let dayIndex: Int64
    public let monthIndex: Int64
    public let dayStart: Date
    public let monthStart: Date
    public let nextMonthStart: Date

    public init(_ instant: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let seconds = instant.timeIntervalSince1970
        dayIndex = Int64((seconds / 86_400).rounded(.down))
        dayStart = Date(timeIntervalSince1970: Double(dayIndex) * 86_400)
        let parts = calendar.dateComponents([.year, .month], from: instant)
        let year = parts.year ?? 1970, month = parts.month ?? 1
        monthIndex = Int64(year * 12 + month - 1)
        monthStart = calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? dayStart
        nextMonthStart = calendar.date(from: DateComponents(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1))
            ?? dayStart
    }
}
