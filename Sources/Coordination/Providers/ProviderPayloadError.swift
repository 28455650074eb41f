/// Why an adapter refused a payload (or a credential) before anything was reserved or sent: the
/// field at fault as the client wrote it (`payload.origins[3]`, `operation`) and what is wrong.
public struct ProviderPayloadError: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
