import Testing
@testable import Auth

@Suite struct RoleAndBearerTests {
    @Test func roleOrdering() throws {
        #expect(Role.user < .manager)
        #expect(Role.manager < .admin)
        #expect(Role.allCases.sorted() == [.user, .manager, .admin])
        try Role.admin.require(.manager)
        try Role.manager.require(.manager)
        #expect(throws: AuthError(.insufficientRole, "this requires the admin role")) { try Role.manager.require(.admin) }
        #expect(throws: AuthError.self) { try Role.user.require(.manager) }
    }

    @Test func statusMapping() {
        #expect(AuthError(.insufficientRole, "").httpStatus == 403)
        #expect(AuthError(.missingToken, "").httpStatus == 401)
        #expect(AuthError(.expired, "").httpStatus == 401)
        #expect(AuthError(.badSignature, "").httpStatus == 401)
        #expect(AuthError(.invalidKey, "").httpStatus == 500)
        #expect(AuthError(.missingToken, "").wwwAuthenticate == "Bearer")
        #expect(AuthError(.expired, "").wwwAuthenticate == #"Bearer error="invalid_token""#)
        #expect(AuthError(.insufficientRole, "").wwwAuthenticate == nil)
    }

    @Test(arguments: [("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"), ("  Bearer\tabc", "abc")])
    func bearerAccepted(header: String, token: String) throws {
        #expect(try BearerToken.parse(header) == token)
    }

    @Test(arguments: [
        (String?.none, AuthError.Code.missingToken), ("", .missingToken), ("Bearer", .missingToken), ("Basic dXNlcjpwYXNz", .missingToken),
        ("Bearerabc", .missingToken), ("Bearer ", .malformed), ("Bearer a b", .malformed), ("Bearer a,b", .malformed),
    ])
    func bearerRefused(header: String?, expected: AuthError.Code) {
        do {
            _ = try BearerToken.parse(header)
            Issue.record("accepted \(String(describing: header))")
        } catch {
            #expect(error.code == expected)
        }
    }
}
