import Testing
@testable import Node

@Test func NodeModuleLinks() {
    #expect(Bool(true))
}
