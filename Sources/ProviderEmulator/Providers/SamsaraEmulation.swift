import Foundation
import HTTP
import Logging

/// Samsara `GET /fleet/vehicles/stats?vehicleIds=a,b&types=gps,engineStates`: Bearer token; `types`
/// is required. Vehicles whose id starts with "missing" do not exist and are left out of `data`;
/// without `vehicleIds` the fleet is three vehicles. Positions are derived from the id.
struct SamsaraEmulation: ProviderEmulation {
    let service = EmulatedService.samsara
    static let knownTypes: Set<String> = ["gps", "engineStates", "fuelPercents", "obdOdometerMeters"]
    static let defaultFleet = ["281474977075001", "281474977075002", "281474977075003"]

    func failure(status: Int, message: String) -> EmulatorReply {
        Self.error(status: status, message: message, requestID: nil)
    }

    /// Samsara's error shape: `{"message","requestId"}`.
    static func error(status: Int, message: String, requestID: String?) -> EmulatorReply {
        .json(.object(["message": .string(message), "requestId": .string(requestID ?? RandomID.make("", length: 8, alphabet: RandomID.hex))]),
              status: status)
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        Credentials.bearer(request) == nil ? failure(status: 401, message: "Unauthorized") : nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        let query = request.query
        let types = (query["types"] ?? "").split(separator: ",").map(String.init)
        guard !types.isEmpty else {
            return Self.error(status: 400, message: "Invalid value for parameter 'types': at least one type is required.", requestID: context.requestID)
        }
        if let unknown = types.first(where: { !Self.knownTypes.contains($0) }) {
            return Self.error(status: 400, message: "Invalid value for parameter 'types': unknown type '\(unknown)'.", requestID: context.requestID)
        }
        let requested = query["vehicleIds"].map { $0.split(separator: ",").map(String.init) } ?? Self.defaultFleet
        let time = ISO8601DateFormatter().string(from: Date())
        let data: [JSONValue] = requested.filter { !$0.hasPrefix("missing") }.map { id in
            var vehicle: [String: JSONValue] = ["id": .string(id), "name": .string("Vehicle \(id)")]
            let seed = MapsEmulation.fnv1a(id)
            for type in types {
                switch type {
                case "gps":
                    vehicle["gps"] = .object([
                        "time": .string(time),
                        "latitude": .number(37.0 + Double(seed % 1_000) / 1_000),
                        "longitude": .number(-122.0 - Double((seed >> 10) % 1_000) / 1_000),
                        "headingDegrees": .integer(Int64(seed % 360)),
                        "speedMilesPerHour": .integer(Int64((seed >> 20) % 70)),
                        "reverseGeo": .object(["formattedLocation": .string("Emulated Road \(seed % 100), Testville")]),
                    ])
                case "engineStates":
                    vehicle["engineState"] = .object(["time": .string(time), "value": .string(seed % 3 == 0 ? "Off" : "On")])
                case "fuelPercents":
                    vehicle["fuelPercent"] = .object(["time": .string(time), "value": .integer(Int64(seed % 101))])
                default:
                    vehicle["obdOdometerMeters"] = .object(["time": .string(time), "value": .integer(Int64(seed % 500_000_000))])
                }
            }
            return .object(vehicle)
        }
        return .json(.object([
            "data": .array(data),
            "pagination": .object(["endCursor": .string(""), "hasNextPage": .bool(false)]),
        ]), items: requested.count)
    }
}
