import Testing
@testable import Node

@Suite struct DeadlineTests {
    @Test func returnsTheValueInTime() async {
        #expect(await withDeadline(.seconds(5)) { 42 } == 42)
    }

    @Test func answersAtTheDeadlineEvenIfTheBodyIgnoresCancellation() async {
        let start = ContinuousClock.now
        let value: Int? = await withDeadline(.milliseconds(100)) {
            // Like a libpq connect: does not react to cancellation.
            let end = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
            return 1
        }
        #expect(value == nil)
        #expect(ContinuousClock.now - start < .seconds(1))
    }
}
