import Foundation
import HTTP
import Logging

/// Airtable `POST|PATCH /v0/{baseId}/{table}`: Bearer token; at most 10 records per call (422
/// INVALID_RECORDS beyond); PATCH records need an `id`. Answers the records with ids and times.
struct AirtableEmulation: ProviderEmulation {
    let service = EmulatedService.airtable
    static let maxRecords = 10

    func failure(status: Int, message: String) -> EmulatorReply {
        let type = switch status {
        case 401: "AUTHENTICATION_REQUIRED"
        case 429: "RATE_LIMIT_REACHED"
        case 503: "SERVICE_UNAVAILABLE"
        default: "SERVER_ERROR"
        }
        return Self.error(status: status, type: type, message: message)
    }

    /// Airtable's error shape: `{"error":{"type","message"}}`.
    static func error(status: Int, type: String, message: String) -> EmulatorReply {
        .json(.object(["error": .object(["type": .string(type), "message": .string(message)])]), status: status)
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        Credentials.bearer(request) == nil ? failure(status: 401, message: "Authentication required") : nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        guard let body = JSONValue.object(from: request.body), case .array(let records)? = body["records"] else {
            return Self.error(status: 422, type: "INVALID_REQUEST_MISSING_FIELDS", message: "Could not find field \"records\" in the request body")
        }
        guard !records.isEmpty else {
            return Self.error(status: 422, type: "INVALID_RECORDS", message: "You must provide at least one record")
        }
        guard records.count <= Self.maxRecords else {
            return Self.error(status: 422, type: "INVALID_RECORDS",
                              message: "You can only create or update up to \(Self.maxRecords) records per request, got \(records.count)")
        }
        let updating = request.method == "PATCH"
        let created = Self.createdTime(Date())
        var out: [JSONValue] = []
        for (index, record) in records.enumerated() {
            guard case .object(let fields) = record, case .object(let values)? = fields["fields"] else {
                return Self.error(status: 422, type: "INVALID_RECORDS", message: "Could not find field \"fields\" in records[\(index)]")
            }
            var id = RandomID.make("rec", length: 14)
            if updating {
                guard case .string(let given)? = fields["id"], given.hasPrefix("rec") else {
                    return Self.error(status: 422, type: "INVALID_RECORDS", message: "Record records[\(index)] is missing an id")
                }
                id = given
            }
            out.append(.object(["id": .string(id), "createdTime": .string(created), "fields": .object(values)]))
        }
        return .json(.object(["records": .array(out)]), items: records.count)
    }

    /// Airtable's `createdTime` form: `2026-12-04T03:59:13.000Z`.
    static func createdTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
