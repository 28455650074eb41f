/// The final response to a request, read whole, with how many tries it took.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: [HTTPClientHeader]
    public var body: [UInt8]
    /// Tries made, this one included (1 when the first try answered).
    public var attempts: Int

    public init(status: Int, headers: [HTTPClientHeader], body: [UInt8], attempts: Int) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// The first value of `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HTTPClientHeader.namesEqual($0.name, name) }?.value
    }
}
