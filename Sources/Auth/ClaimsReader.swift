import Foundation
import Logging

/// Turns a verified payload object into `JWTClaims`, with one precise error per missing or mistyped claim.
struct ClaimsReader {
    let object: [String: JSONValue]

    init(_ object: [String: JSONValue]) { self.object = object }

    func claims() throws(AuthError) -> JWTClaims {
        guard let expiresAt = try date("exp") else {
            throw AuthError(.missingClaim, "token has no 'exp'")
        }
        guard let subject = try string("sub"), !subject.isEmpty else {
            throw AuthError(.missingClaim, "token has no 'sub'")
        }
        guard let roleName = try string("role") else {
            throw AuthError(.missingClaim, "token has no 'role'")
        }
        guard let role = Role(rawValue: roleName) else {
            throw AuthError(.invalidClaim, "token 'role' must be admin, manager or user")
        }
        return JWTClaims(
            subject: subject, role: role, expiresAt: expiresAt,
            notBefore: try date("nbf"), issuedAt: try date("iat"), issuer: try string("iss"),
            audience: try audience(), tokenID: try string("jti")
        )
    }

    private func string(_ name: String) throws(AuthError) -> String? {
        switch object[name] {
        case nil: return nil
        case .string(let value)?: return value
        default: throw AuthError(.invalidClaim, "token '\(name)' must be a string")
        }
    }

    /// A NumericDate (RFC 7519 section 2): seconds since the epoch, possibly fractional.
    private func date(_ name: String) throws(AuthError) -> Date? {
        switch object[name] {
        case nil: return nil
        case let value? where value.doubleValue.map { $0.isFinite && abs($0) < 1e12 } == true:
            return Date(timeIntervalSince1970: value.doubleValue ?? 0)
        default: throw AuthError(.invalidClaim, "token '\(name)' must be a number of seconds")
        }
    }

    private func audience() throws(AuthError) -> [String] {
        switch object["aud"] {
        case nil: return []
        case .string(let value)?: return [value]
        case .array(let values)?:
            var list: [String] = []
            for value in values {
                guard case .string(let item) = value else {
                    throw AuthError(.invalidClaim, "token 'aud' must be a string or a list of strings")
                }
                list.append(item)
            }
            return list
        default: throw AuthError(.invalidClaim, "token 'aud' must be a string or a list of strings")
        }
    }
}
