import Testing
@testable import Coordination

@Test func CoordinationModuleLinks() {
    #expect(Bool(true))
}
