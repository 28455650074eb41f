import Logging

/// A provider's error for one item: its own code (`amount_too_small`, `21211`, `NOT_FOUND`) and words.
public struct ItemError: Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// What the provider said about one item of a request: an HTTP-like status for the item, its part of
/// the response body, and its error when the provider refused it.
public struct ItemResult: Sendable {
    public let status: Int
    public let body: JSONValue
    public let error: ItemError?

    public init(status: Int, body: JSONValue, error: ItemError?) {
        self.status = status
        self.body = body
        self.error = error
    }

    public var succeeded: Bool { error == nil && (200..<300).contains(status) }
}
