/// One command encoded once, for the pipeline and transaction APIs.
public struct RedisCommand: Sendable, Hashable {
    /// The RESP bytes of the command.
    let encoded: [UInt8]
    /// The command name as given, for error messages.
    public let name: String

    public init(_ name: String, _ arguments: any RedisArgumentConvertible...) {
        self.init(name, arguments: arguments)
    }

    public init(_ name: String, arguments: [any RedisArgumentConvertible]) {
        var bytes: [UInt8] = []
        RedisCommandEncoder.append(name, arguments, to: &bytes)
        self.encoded = bytes
        self.name = name
    }
}
