/// One header of a request to, or a response from, a provider.
public struct UpstreamHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
