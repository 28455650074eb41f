import Testing
@testable import Auth

@Test func AuthModuleLinks() {
    #expect(Bool(true))
}
