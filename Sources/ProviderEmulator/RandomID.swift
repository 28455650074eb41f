/// Provider-looking identifiers (`rec` + 14 characters, `SM` + 32 hex digits, ...).
enum RandomID {
    static let alphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let hex = Array("0123456789abcdef")

    static func make(_ prefix: String, length: Int, alphabet: [Character] = alphanumeric) -> String {
        prefix + String((0..<length).map { _ in alphabet.randomElement()! })
    }
}
