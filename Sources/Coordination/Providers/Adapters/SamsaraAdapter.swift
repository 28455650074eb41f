import Logging

/// Samsara vehicle stats: `GET /fleet/vehicles/stats?vehicleIds=a,b&types=gps,engineStates` (bearer
/// token). One item is one vehicle; items asking for the same `types` share a request, at most 100
/// vehicle ids each (keeps the URL well under the 8 KB that proxies accept). Results are matched by
/// vehicle id from `data[]`; a vehicle missing from the answer is that item's `not_found`.
struct SamsaraAdapter: ProviderAdapter {
    let service = "samsara"
    let operations = ["vehicles.stats"]
    static let maxVehiclesPerRequest = 100
    static let maxTypes = 3   // Samsara's own limit on `types` per stats request

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> { bearerCredential(from: raw) }

    static func read(_ payload: JSONValue) throws(ProviderPayloadError) -> (vehicle: String, types: [String]) {
        let reader = PayloadReader(payload)
        try reader.onlyFields(["vehicleId", "types"])
        let vehicle = try reader.requiredString("vehicleId", maxLength: 64)
        guard !vehicle.contains(","), !vehicle.contains(where: { $0.isWhitespace }) else {
            throw reader.fail("must not contain ',' or spaces", at: "vehicleId")
        }
        let types = try reader.required("types").strings(max: maxTypes, maxLength: 64)
        for (index, type) in types.enumerated() where !type.allSatisfy({ $0.isLetter || $0.isNumber }) {
            throw reader.fail("must be a stat type such as gps or engineStates", at: "types[\(index)]")
        }
        return (vehicle, types)
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard operation == "vehicles.stats" else { throw unknownOperation(operation) }
        let (_, types) = try Self.read(payload)
        return PreparedItem(operation: operation, payload: payload, units: 1, batchKey: types.sorted().joined(separator: ","),
                            idempotencyKey: idempotencyKey)
    }

    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (index, item) in items.enumerated() {
            if groups[item.batchKey] == nil { order.append(item.batchKey) }
            groups[item.batchKey, default: []].append(index)
        }
        var plans: [PlannedRequest] = []
        for key in order {
            var members = groups[key]!
            while !members.isEmpty {
                // Distinct vehicles per request; the same vehicle twice shares its answer.
                var chunk: [Int] = []
                var vehicles: [String] = []
                while let index = members.first {
                    guard let (vehicle, _) = try? Self.read(items[index].payload) else { members.removeFirst(); continue }
                    if !vehicles.contains(vehicle) {
                        if vehicles.count == Self.maxVehiclesPerRequest { break }
                        vehicles.append(vehicle)
                    }
                    chunk.append(index)
                    members.removeFirst()
                }
                var headers = [UpstreamHeader(name: "Accept", value: "application/json")]
                if case .bearer(let token) = credential { headers.insert(UpstreamHeader(name: "Authorization", value: "Bearer " + token), at: 0) }
                let target = "/fleet/vehicles/stats?vehicleIds=" + vehicles.map(FormEncoding.percentEncode).joined(separator: ",")
                    + "&types=" + key
                plans.append(PlannedRequest(request: UpstreamRequest(method: "GET", target: target, headers: headers, body: [],
                                                                     idempotent: true),
                                            items: chunk))
            }
        }
        return plans
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        let json = response.json ?? .null
        guard (200..<300).contains(response.status) else {
            var message = "Samsara answered HTTP \(response.status)"
            if case .object(let top) = json, case .string(let m) = top["message"] ?? .null { message = m }
            return same(ItemResult(status: response.status, body: json, error: ItemError(code: "http_\(response.status)", message: message)),
                        for: planned)
        }
        var byID: [String: JSONValue] = [:]
        if case .object(let top) = json, case .array(let data) = top["data"] ?? .null {
            for entry in data {
                if case .object(let fields) = entry, case .string(let id) = fields["id"] ?? .null { byID[id] = entry }
            }
        }
        return planned.items.map { index in
            guard let (vehicle, _) = try? Self.read(items[index].payload), let entry = byID[vehicle] else {
                return ItemResult(status: 404, body: .null, error: ItemError(code: "not_found", message: "Samsara returned no stats for this vehicle"))
            }
            return ItemResult(status: 200, body: entry, error: nil)
        }
    }
}
