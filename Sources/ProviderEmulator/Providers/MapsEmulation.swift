import HTTP
import Logging

/// Google Distance Matrix `GET /maps/api/distancematrix/json`: the `key` query parameter; at most 25
/// origins, 25 destinations and 100 elements per call. Like Google, request-level failures are HTTP
/// 200 with a top-level `status`. Distances are derived from the strings (same input, same answer);
/// a place containing "nowhere" is NOT_FOUND and one containing "unreachable" has ZERO_RESULTS.
struct MapsEmulation: ProviderEmulation {
    let service = EmulatedService.maps
    static let maxDimension = 25
    static let maxElements = 100

    func failure(status: Int, message: String) -> EmulatorReply {
        Self.top(status == 429 ? "OVER_QUERY_LIMIT" : "UNKNOWN_ERROR", message: message, httpStatus: status)
    }

    /// A response with only a top-level status, as Google sends for a refused request.
    static func top(_ status: String, message: String, httpStatus: Int = 200) -> EmulatorReply {
        .json(.object([
            "status": .string(status), "error_message": .string(message),
            "origin_addresses": .array([]), "destination_addresses": .array([]), "rows": .array([]),
        ]), status: httpStatus)
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        guard let key = request.query["key"], !key.isEmpty else {
            return Self.top("REQUEST_DENIED", message: "You must use an API key to authenticate each request to Google Maps Platform APIs.")
        }
        return nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        let query = request.query
        let origins = Self.places(query["origins"])
        let destinations = Self.places(query["destinations"])
        guard !origins.isEmpty, !destinations.isEmpty else {
            return Self.top("INVALID_REQUEST", message: "Invalid request. Missing the 'origins' or 'destinations' parameter.")
        }
        if origins.count > Self.maxDimension || destinations.count > Self.maxDimension {
            return Self.top("MAX_DIMENSIONS_EXCEEDED", message: "Too many origins or destinations (at most \(Self.maxDimension) each).")
        }
        if origins.count * destinations.count > Self.maxElements {
            return Self.top("MAX_ELEMENTS_EXCEEDED", message: "Too many elements (origins x destinations at most \(Self.maxElements)).")
        }
        let mode = query["mode"] ?? "driving"
        let rows: [JSONValue] = origins.map { origin in
            .object(["elements": .array(destinations.map { Self.element(from: origin, to: $0, mode: mode) })])
        }
        return .json(.object([
            "status": .string("OK"),
            "origin_addresses": .array(origins.map { .string(Self.unknown($0) ? "" : $0) }),
            "destination_addresses": .array(destinations.map { .string(Self.unknown($0) ? "" : $0) }),
            "rows": .array(rows),
        ]), items: origins.count * destinations.count)
    }

    static func places(_ raw: String?) -> [String] {
        (raw ?? "").split(separator: "|", omittingEmptySubsequences: true).map(String.init)
    }

    static func unknown(_ place: String) -> Bool { place.lowercased().contains("nowhere") }

    static func element(from origin: String, to destination: String, mode: String) -> JSONValue {
        if unknown(origin) || unknown(destination) { return .object(["status": .string("NOT_FOUND")]) }
        if (origin + destination).lowercased().contains("unreachable") { return .object(["status": .string("ZERO_RESULTS")]) }
        let meters = origin == destination ? 0 : 500 + Int(fnv1a(origin + "|" + destination) % 199_500)
        let metersPerSecond = switch mode {
        case "walking": 1.4
        case "bicycling": 4.5
        case "transit": 9.0
        default: 13.9
        }
        let seconds = Int((Double(meters) / metersPerSecond).rounded())
        return .object([
            "status": .string("OK"),
            "distance": .object(["text": .string(distanceText(meters)), "value": .integer(Int64(meters))]),
            "duration": .object(["text": .string(durationText(seconds)), "value": .integer(Int64(seconds))]),
        ])
    }

    static func distanceText(_ meters: Int) -> String {
        meters < 1_000 ? "\(meters) m" : "\(Double(meters / 100) / 10) km"
    }

    static func durationText(_ seconds: Int) -> String {
        let minutes = max(1, (seconds + 30) / 60)
        if minutes < 60 { return minutes == 1 ? "1 min" : "\(minutes) mins" }
        let hours = minutes / 60, rest = minutes % 60
        return "\(hours) hour\(hours == 1 ? "" : "s") \(rest) min\(rest == 1 ? "" : "s")"
    }

    /// A stable hash (Swift's `Hasher` is seeded per process, so answers would change between runs).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
