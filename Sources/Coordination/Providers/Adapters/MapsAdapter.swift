import Logging

/// Google Maps Distance Matrix: `GET /maps/api/distancematrix/json?origins=a|b&destinations=c|d&mode=&key=`.
/// Items with the same destinations and mode share a request with their origins merged
/// (deduplicated), within Google's limits: at most 25 origins, 25 destinations and 100 elements
/// (origins x destinations) per request. Each item gets its own rows with their per-element status.
struct MapsAdapter: ProviderAdapter {
    let service = "maps"
    let operations = ["distancematrix"]
    static let maxOrigins = 25
    static let maxDestinations = 25
    static let maxElements = 100
    static let modes: Set<String> = ["driving", "walking", "bicycling", "transit"]

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> {
        switch bearerCredential(from: raw) {
        case .success(.bearer(let key)): .success(.queryKey(key))
        case .success(let other): .success(other)
        case .failure(let problem): .failure(problem)
        }
    }

    struct Item {
        var origins: [String]
        var destinations: [String]
        var mode: String?
        var units: String?
    }

    static func read(_ payload: JSONValue) throws(ProviderPayloadError) -> Item {
        let reader = PayloadReader(payload)
        try reader.onlyFields(["origins", "destinations", "mode", "units"])
        let origins = try reader.required("origins").strings(max: maxOrigins, maxLength: 500)
        let destinations = try reader.required("destinations").strings(max: maxDestinations, maxLength: 500)
        for (index, place) in (origins + destinations).enumerated() where place.contains("|") {
            let field = index < origins.count ? "origins[\(index)]" : "destinations[\(index - origins.count)]"
            throw reader.fail("must not contain '|' (Google's separator)", at: field)
        }
        guard origins.count * destinations.count <= maxElements else {
            throw reader.fail("origins x destinations must be at most \(maxElements) elements (Google's limit)", at: "origins")
        }
        let mode = try reader.optionalString("mode", maxLength: 16)
        if let mode, !modes.contains(mode) { throw reader.fail("must be driving, walking, bicycling or transit", at: "mode") }
        let units = try reader.optionalString("units", maxLength: 16)
        if let units, units != "metric", units != "imperial" { throw reader.fail("must be metric or imperial", at: "units") }
        return Item(origins: origins, destinations: destinations, mode: mode, units: units)
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard operation == "distancematrix" else { throw unknownOperation(operation) }
        let item = try Self.read(payload)
        let key = item.destinations.joined(separator: "|") + "\u{1}" + (item.mode ?? "") + "\u{1}" + (item.units ?? "")
        return PreparedItem(operation: operation, payload: payload, units: item.origins.count * item.destinations.count,
                            batchKey: key, idempotencyKey: idempotencyKey)
    }

    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest] {
        var plans: [PlannedRequest] = []
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, item) in items.enumerated() {
            if groups[item.batchKey] == nil { order.append(item.batchKey) }
            groups[item.batchKey, default: []].append(index)
        }
        for key in order {
            var current: [Int] = []
            var origins: [String] = []
            var first: Item?
            func flush() {
                guard let first, !current.isEmpty else { return }
                plans.append(PlannedRequest(request: request(origins: origins, like: first, credential: credential), items: current))
            }
            for index in groups[key]! {
                guard let item = try? Self.read(items[index].payload) else { continue }
                let merged = origins + item.origins.filter { !origins.contains($0) }
                if !current.isEmpty && (merged.count > Self.maxOrigins || merged.count * item.destinations.count > Self.maxElements) {
                    flush()
                    current = []
                    origins = []
                }
                if current.isEmpty { first = item }
                origins += item.origins.filter { !origins.contains($0) }
                current.append(index)
            }
            flush()
        }
        return plans
    }

    private func request(origins: [String], like item: Item, credential: ProviderCredential) -> UpstreamRequest {
        var query = "origins=" + origins.map(FormEncoding.percentEncode).joined(separator: "%7C")
        query += "&destinations=" + item.destinations.map(FormEncoding.percentEncode).joined(separator: "%7C")
        if let mode = item.mode { query += "&mode=" + mode }
        if let units = item.units { query += "&units=" + units }
        if case .queryKey(let key) = credential { query += "&key=" + FormEncoding.percentEncode(key) }
        return UpstreamRequest(method: "GET", target: "/maps/api/distancematrix/json?" + query,
                               headers: [UpstreamHeader(name: "Accept", value: "application/json")], body: [], idempotent: true)
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        guard (200..<300).contains(response.status), let json = response.json, case .object(let top) = json else {
            return same(ItemResult(status: response.status == 200 ? 502 : response.status, body: response.json ?? .null,
                                   error: ItemError(code: "http_\(response.status)", message: Self.errorMessage(response.json) ?? "Google answered HTTP \(response.status)")),
                        for: planned)
        }
        let status = top["status"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "UNKNOWN_ERROR"
        guard status == "OK" else {
            let code = switch status {
            case "REQUEST_DENIED": 403
            case "OVER_QUERY_LIMIT", "OVER_DAILY_LIMIT": 429
            case "UNKNOWN_ERROR": 503
            default: 400
            }
            return same(ItemResult(status: code, body: json, error: ItemError(code: status, message: Self.errorMessage(json) ?? status)),
                        for: planned)
        }
        // The merged origins in request order; each item takes its own origins' rows.
        var mergedOrigins: [String] = []
        for index in planned.items {
            guard let item = try? Self.read(items[index].payload) else { continue }
            mergedOrigins += item.origins.filter { !mergedOrigins.contains($0) }
        }
        let rows: [JSONValue] = if case .array(let r) = top["rows"] ?? .null { r } else { [] }
        let originAddresses: [JSONValue] = if case .array(let a) = top["origin_addresses"] ?? .null { a } else { [] }
        return planned.items.map { index in
            guard let item = try? Self.read(items[index].payload) else {
                return ItemResult(status: 502, body: .null, error: ItemError(code: "bad_item", message: "item unreadable"))
            }
            var itemRows: [JSONValue] = []
            var addresses: [JSONValue] = []
            var failed: [String] = []
            for origin in item.origins {
                guard let row = mergedOrigins.firstIndex(of: origin), row < rows.count else {
                    return ItemResult(status: 502, body: json, error: ItemError(code: "missing_row", message: "Google's answer has no row for \(origin)"))
                }
                itemRows.append(rows[row])
                if row < originAddresses.count { addresses.append(originAddresses[row]) }
                if case .object(let fields) = rows[row], case .array(let elements) = fields["elements"] ?? .null {
                    for element in elements {
                        if case .object(let e) = element, case .string(let s) = e["status"] ?? .null, s != "OK" { failed.append(s) }
                    }
                }
            }
            var body: [String: JSONValue] = ["status": .string("OK"), "rows": .array(itemRows), "origin_addresses": .array(addresses)]
            if let destinations = top["destination_addresses"] { body["destination_addresses"] = destinations }
            let error = failed.isEmpty ? nil
                : ItemError(code: failed[0], message: "\(failed.count) of \(item.origins.count * item.destinations.count) elements: \(Set(failed).sorted().joined(separator: ", "))")
            return ItemResult(status: 200, body: .object(body), error: error)
        }
    }

    static func errorMessage(_ json: JSONValue?) -> String? {
        guard case .object(let fields) = json ?? .null, case .string(let message) = fields["error_message"] ?? .null else { return nil }
        return message
    }
}
