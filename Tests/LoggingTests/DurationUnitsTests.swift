import Testing
@testable import Logging

/// The one rounding rule: toward zero for figures, up for waits, exact for fractions.
@Suite struct DurationUnitsTests {
    @Test func table() {
        let cases: [(Duration, Int64, Int64, Int64)] = [
            // duration, whole ms, ms rounded up, seconds rounded up
            (.zero, 0, 0, 0),
            (.microseconds(1), 0, 1, 1),
            (.milliseconds(5), 5, 5, 1),
            (.microseconds(1_900), 1, 2, 1),
            (.seconds(2), 2_000, 2_000, 2),
            (.milliseconds(2_001), 2_001, 2_001, 3),
        ]
        for (duration, whole, up, seconds) in cases {
            #expect(duration.wholeMilliseconds == whole, "\(duration)")
            #expect(duration.millisecondsRoundedUp == up, "\(duration)")
            #expect(duration.secondsRoundedUp == seconds, "\(duration)")
        }
        #expect(Duration.milliseconds(1_500).fractionalSeconds == 1.5)
        #expect(Duration.microseconds(250).fractionalMilliseconds == 0.25)
        #expect(Duration.milliseconds(3).wholeMicroseconds == 3_000)
    }
}
