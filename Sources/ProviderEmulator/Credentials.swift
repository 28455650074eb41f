import Foundation
import HTTP

/// Reading the two credential shapes the providers use from `Authorization`.
enum Credentials {
    /// The token of `Authorization: Bearer <token>`, nil if absent or empty.
    static func bearer(_ request: HTTPRequest) -> String? {
        guard let value = request.headers["authorization"], value.lowercased().hasPrefix("bearer ") else { return nil }
        let token = value.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// User and password of `Authorization: Basic base64(user:password)`, nil if absent or malformed.
    static func basic(_ request: HTTPRequest) -> (user: String, password: String)? {
        guard let value = request.headers["authorization"], value.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: value.dropFirst("basic ".count).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
