import Foundation
import Logging

/// A request's JSON object body, read in one pass (`JSONValue.parse`, no `JSONDecoder`: its
/// trial-and-error decoding was a large part of a small route's CPU), with typed accessors that
/// answer exactly as `decodeJSON` does: 415 for another content type, 400 `invalid_json`,
/// `missing_field` or `invalid_field` naming the field. Unknown fields are ignored, as there.
public struct JSONFields: Sendable {
    public let object: [String: JSONValue]

    public init(_ request: HTTPRequest) throws(HTTPError) {
        if let contentType = request.headers["content-type"], !contentType.lowercased().hasPrefix("application/json") {
            throw HTTPError(status: 415, code: "unsupported_media_type", message: "The body must be application/json.")
        }
        guard !request.body.isEmpty else {
            throw HTTPError.badRequest("The request body is empty; a JSON document is required.", code: "invalid_json")
        }
        guard let value = JSONValue.parse(request.body) else {
            throw HTTPError.badRequest("The request body is not valid JSON.", code: "invalid_json")
        }
        guard case .object(let object) = value else {
            throw HTTPError.badRequest("The request body has the wrong JSON type.", code: "invalid_json")
        }
        self.object = object
    }

    /// A present, non-null field (nil when absent or null).
    func present(_ name: String) -> JSONValue? {
        guard let value = object[name], value != .null else { return nil }
        return value
    }

    public func requiredString(_ name: String) throws(HTTPError) -> String {
        guard let value = object[name] else {
            throw HTTPError.badRequest("Missing required field '\(name)'.", code: "missing_field", field: name)
        }
        guard value != .null else {
            throw HTTPError.badRequest("Field '\(name)' must not be null.", code: "missing_field", field: name)
        }
        guard case .string(let text) = value else { throw Self.wrongType(name, "a string") }
        return text
    }

    public func string(_ name: String) throws(HTTPError) -> String? {
        guard let value = present(name) else { return nil }
        guard case .string(let text) = value else { throw Self.wrongType(name, "a string") }
        return text
    }

    public func integer(_ name: String) throws(HTTPError) -> Int64? {
        guard let value = present(name) else { return nil }
        guard case .integer(let number) = value else { throw Self.wrongType(name, "an integer") }
        return number
    }

    public func bool(_ name: String) throws(HTTPError) -> Bool? {
        guard let value = present(name) else { return nil }
        guard case .bool(let flag) = value else { throw Self.wrongType(name, "a boolean") }
        return flag
    }

    static func wrongType(_ name: String, _ type: String) -> HTTPError {
        .badRequest("Field '\(name)' must be \(type).", code: "invalid_field", field: name)
    }
}
