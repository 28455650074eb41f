import Testing
@testable import Cryptography

@Test func CryptographyModuleLinks() {
    #expect(Bool(true))
}
