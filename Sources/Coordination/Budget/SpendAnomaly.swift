import Foundation

/// Whether a service is spending unusually fast today, judged against its own hourly spend over the
/// trailing 14 complete UTC days (the baseline). Two rates are compared with one threshold:
///
/// - **today's rate**: spent since midnight UTC / hours elapsed (since the hour of `historyStart` if
///   the service started today), at least 1 h (`minimumElapsedMs`);
///   dividing by at least an hour makes it a lower bound of the true hourly rate, so a burst at
///   00:05 reads as "at least this much per hour" instead of being extrapolated x12;
/// - **the latest hour**: the last complete hour, or the current hour so far if it is already
///   higher (spend so far is a lower bound of the hour's total). It catches a runaway that started
///   late in the day, which today's average dilutes for hours. In the first hour of the day today's
///   rate is the current hour, so only the last complete hour is added.
///
/// **Baseline**: the hourly spend of every complete hour in the 14 days before today, zero hours
/// included (a service idle at night has a low mean and a real spread), counted only from the hour
/// of `historyStart` (hours before the service existed are not zeros). Mean and standard deviation
/// (population) are exact integer micro-dollars per hour (128-bit sums, integer square root).
///
/// **Rule** (defaults in `Rule`), with a baseline of at least 24 hours:
///
///     anomaly = rate > threshold,  threshold = max(mean + 3 sigma, 1.5 x mean, $0.10/h)
///
/// `mean + 3 sigma` is the statistical test; `1.5 x mean` keeps a very steady service (sigma ~ 0)
/// from alarming on a few percent more; the floor keeps cents from alarming anyone. Without a
/// baseline (a service newer than a day), there is nothing to compare with: only a rate above
/// `newServiceMicrosPerHour` ($1.00/h, $24/day) alarms, so a new integration burning money is not
/// silent on its first day. The reason is a sentence a person can act on, e.g. "today's spend rate
/// $1.20/h is 4.3x the 14-day hourly mean $0.28/h (threshold $0.90/h)". Pure: the caller passes `now`.
public struct SpendAnomaly: Sendable, Hashable {
    /// The thresholds, each with its reason above; integers so a rule is exact and comparable.
    public struct Rule: Sendable, Hashable {
        public var baselineDays: Int64 = 14
        public var sigmas: Int64 = 3
        /// The rate must also exceed the mean by this ratio, in percent (150: 1.5x).
        public var minimumRatioPercent: Int64 = 150
        public var floorMicrosPerHour: Int64 = 100_000
        /// Fewer hours of history before today: no baseline.
        public var minimumBaselineHours: Int64 = 24
        public var newServiceMicrosPerHour: Int64 = 1_000_000
        public var minimumElapsedMs: Int64 = 3_600_000

        public init() {}
    }

    public let rule: Rule
    /// Today's rate (see above), micro-dollars per hour.
    public let todayMicrosPerHour: Int64
    /// The latest hour's spend (last complete hour, or the current one if already higher).
    public let latestHourMicros: Int64
    public let latestHourStart: Date
    /// Complete hours in the baseline (0 ... 24 x baselineDays).
    public let baselineHours: Int64
    public let meanMicrosPerHour: Int64
    public let sigmaMicrosPerHour: Int64
    /// The rate above which spend is anomalous now.
    public let thresholdMicrosPerHour: Int64

    /// Enough history before today to compare with (`rule.minimumBaselineHours`).
    public var hasBaseline: Bool { baselineHours >= rule.minimumBaselineHours }

    public var isAnomaly: Bool { todayMicrosPerHour > thresholdMicrosPerHour || latestHourMicros > thresholdMicrosPerHour }

    /// `(isAnomaly, reason)`, the shape the cost-monitoring answer carries.
    public var result: (isAnomaly: Bool, reason: String?) { (isAnomaly, reason) }

    /// - Parameters:
    ///   - hourly: spend per UTC hour, sparse (missing hours spent nothing), covering at least the
    ///     baseline window and today; other hours are ignored, repeated hours added up.
    ///   - historyStart: the first cost row of the service (nil: none), or any instant at or before
    ///     the baseline window when it has older rows.
    public init(hourly: [HourlySpend], historyStart: Date?, now: Date, rule: Rule = Rule()) {
        self.rule = rule
        let hour = HourlySpend.millisecondsPerHour
        let nowMs = UTCDay.milliseconds(now)
        let todayStartMs = UTCDay(containingMs: nowMs).startMs
        let currentHourMs = HourlySpend.hourStartMs(containing: nowMs)
        let windowStartMs = todayStartMs - max(0, rule.baselineDays) * UTCDay.millisecondsPerDay
        let historyHourMs = historyStart.map { HourlySpend.hourStartMs(containing: UTCDay.milliseconds($0)) }
        let firstHourMs = historyHourMs.map { max(windowStartMs, $0) } ?? todayStartMs

        var byHour: [Int64: Int64] = [:]
        for bucket in hourly {
            let start = HourlySpend.hourStartMs(containing: UTCDay.milliseconds(bucket.hourStart))
            byHour[start] = Self.adding(byHour[start] ?? 0, max(0, bucket.micros))
        }
        var sum: Int128 = 0, sumOfSquares: Int128 = 0, spentToday: Int64 = 0
        for (start, micros) in byHour {
            if start >= firstHourMs && start < todayStartMs {
                // Clamped so 336 squares always fit in 128 bits ($1e9 an hour is not a real bill).
                let x = Int128(min(micros, 1_000_000_000_000_000))
                sum += x
                sumOfSquares += x * x
            } else if start >= todayStartMs && start <= currentHourMs {
                spentToday = Self.adding(spentToday, micros)
            }
        }
        let hours = max(0, (todayStartMs - firstHourMs) / hour)
        baselineHours = hours
        if hours > 0 {
            let n = Int128(hours)
            meanMicrosPerHour = Int64((sum + n / 2) / n)
            sigmaMicrosPerHour = Int64(Self.squareRoot(max(0, n * sumOfSquares - sum * sum) / (n * n)))
        } else {
            meanMicrosPerHour = 0
            sigmaMicrosPerHour = 0
        }

        // A service that started today is measured from its first hour, not from midnight.
        let elapsedMs = nowMs - max(todayStartMs, historyHourMs ?? todayStartMs)
        todayMicrosPerHour = SpendProjection.scaled(spentToday, by: hour, over: max(elapsedMs, max(1, rule.minimumElapsedMs)))
        let lastComplete = byHour[currentHourMs - hour] ?? 0
        let current = elapsedMs > hour ? byHour[currentHourMs] ?? 0 : 0
        latestHourMicros = max(lastComplete, current)
        let latestHourStartMs = current > lastComplete ? currentHourMs : currentHourMs - hour
        latestHourStart = Date(timeIntervalSince1970: Double(latestHourStartMs) / 1000)

        if hours >= rule.minimumBaselineHours {
            let statistical = Self.saturating(meanMicrosPerHour, sigmaMicrosPerHour, times: rule.sigmas)
            let ratio = SpendProjection.scaled(meanMicrosPerHour, by: rule.minimumRatioPercent, over: 100)
            thresholdMicrosPerHour = max(statistical, ratio, rule.floorMicrosPerHour)
        } else {
            thresholdMicrosPerHour = rule.newServiceMicrosPerHour
        }
    }

    private static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    private static func saturating(_ mean: Int64, _ sigma: Int64, times k: Int64) -> Int64 {
        let value = Int128(mean) + Int128(sigma) * Int128(k)
        return value > Int128(Int64.max) ? .max : Int64(value)
    }

    /// floor(sqrt(value)) by Newton's method on integers (exact, unlike a Double for large values).
    static func squareRoot(_ value: Int128) -> Int128 {
        guard value > 1 else { return max(0, value) }
        var x = value
        var y = (x + 1) / 2
        while y < x {
            x = y
            y = (x + value / x) / 2
        }
        return x
    }
}
