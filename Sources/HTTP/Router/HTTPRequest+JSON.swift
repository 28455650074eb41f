import Foundation

/// Decoding JSON bodies with errors that name the offending field (`items[0].name`).
extension HTTPRequest {
    /// Decodes the body as `T`; any failure is a 400 (or 415 for a non-JSON content type) naming the field.
    public func decodeJSON<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()) throws(HTTPError) -> T {
        if let contentType = headers["content-type"],
           !contentType.lowercased().hasPrefix("application/json") {
            throw HTTPError(status: 415, code: "unsupported_media_type", message: "The body must be application/json.")
        }
        guard !body.isEmpty else {
            throw HTTPError.badRequest("The request body is empty; a JSON document is required.", code: "invalid_json")
        }
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw JSONErrorMapping.httpError(error)
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError.badRequest("The request body is not valid JSON.", code: "invalid_json")
        }
    }
}

/// Maps Foundation's `DecodingError` to a client-facing 400 with the field path.
enum JSONErrorMapping {
    static func httpError(_ error: DecodingError) -> HTTPError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .badRequest("Missing required field '\(field)'.", code: "missing_field", field: field)
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .badRequest("Field '\(field)' must not be null.", code: "missing_field", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return .badRequest("The request body has the wrong JSON type.", code: "invalid_json")
            }
            return .badRequest("Field '\(field)' must be \(describe(type)).", code: "invalid_field", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return .badRequest("The request body is not valid JSON.", code: "invalid_json")
            }
            return .badRequest("Field '\(field)' has an invalid value.", code: "invalid_field", field: field)
        @unknown default:
            return .badRequest("The request body is invalid.", code: "invalid_json")
        }
    }

    /// `a.b[2].c` from a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "of type \(name)"
        }
    }
}
