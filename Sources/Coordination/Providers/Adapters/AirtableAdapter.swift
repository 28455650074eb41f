import Logging

/// Airtable records: `POST` (create) or `PATCH` (update) `/v0/{baseId}/{table}` with
/// `{"records": [{"fields": ...}]}` or `[{"id", "fields"}]` (bearer token). One item is one record;
/// items of the same operation, base and table share a request, at most 10 records each (Airtable's
/// limit: 11 is a 422). Records come back in request order.
struct AirtableAdapter: ProviderAdapter {
    let service = "airtable"
    let operations = ["records.create", "records.update"]
    static let maxRecords = 10

    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> { bearerCredential(from: raw) }

    struct Record {
        var base: String
        var table: String
        var id: String?
        var fields: JSONValue
    }

    static func read(_ payload: JSONValue, update: Bool) throws(ProviderPayloadError) -> Record {
        let reader = PayloadReader(payload)
        try reader.onlyFields(["baseId", "table", "id", "fields", "typecast"])
        let base = try reader.requiredString("baseId", maxLength: 32)
        guard base.hasPrefix("app"), base.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw reader.fail("must be an Airtable base id (app...)", at: "baseId")
        }
        let table = try reader.requiredString("table", maxLength: 256)
        let fields = try reader.requiredObject("fields")
        var id: String?
        if update {
            let value = try reader.requiredString("id", maxLength: 32)
            guard value.hasPrefix("rec"), value.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw reader.fail("must be an Airtable record id (rec...)", at: "id")
            }
            id = value
        } else if reader.field("id") != nil {
            throw reader.fail("is only for records.update", at: "id")
        }
        return Record(base: base, table: table, id: id, fields: fields.value)
    }

    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem {
        guard operations.contains(operation) else { throw unknownOperation(operation) }
        let record = try Self.read(payload, update: operation == "records.update")
        return PreparedItem(operation: operation, payload: payload, units: 1,
                            batchKey: operation + "\u{1}" + record.base + "\u{1}" + record.table, idempotencyKey: idempotencyKey)
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
            let members = groups[key]!
            for start in stride(from: 0, to: members.count, by: Self.maxRecords) {
                let chunk = Array(members[start..<min(start + Self.maxRecords, members.count)])
                let update = items[chunk[0]].operation == "records.update"
                var records: [JSONValue] = []
                var first: Record?
                for index in chunk {
                    guard let record = try? Self.read(items[index].payload, update: update) else { continue }
                    first = first ?? record
                    var entry: [String: JSONValue] = ["fields": record.fields]
                    if let id = record.id { entry["id"] = .string(id) }
                    records.append(.object(entry))
                }
                guard let first else { continue }
                var body: [String: JSONValue] = ["records": .array(records)]
                if case .object(let fields) = items[chunk[0]].payload, case .bool(true) = fields["typecast"] ?? .null { body["typecast"] = .bool(true) }
                var headers = [UpstreamHeader(name: "Content-Type", value: "application/json")]
                if case .bearer(let token) = credential { headers.insert(UpstreamHeader(name: "Authorization", value: "Bearer " + token), at: 0) }
                plans.append(PlannedRequest(
                    request: UpstreamRequest(method: update ? "PATCH" : "POST",
                                             target: "/v0/\(first.base)/\(FormEncoding.percentEncode(first.table))",
                                             headers: headers, body: JSONValue.object(body).jsonBytes, idempotent: update),
                    items: chunk))
            }
        }
        return plans
    }

    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult] {
        let json = response.json ?? .null
        guard (200..<300).contains(response.status) else {
            var code = "http_\(response.status)"
            var message = "Airtable answered HTTP \(response.status)"
            if case .object(let top) = json {
                switch top["error"] ?? .null {
                case .string(let c): code = c
                case .object(let error):
                    if case .string(let t) = error["type"] ?? .null { code = t }
                    if case .string(let m) = error["message"] ?? .null { message = m }
                default: break
                }
            }
            return same(ItemResult(status: response.status, body: json, error: ItemError(code: code, message: message)), for: planned)
        }
        let records: [JSONValue] = if case .object(let top) = json, case .array(let r) = top["records"] ?? .null { r } else { [] }
        return planned.items.indices.map { position in
            guard position < records.count else {
                return ItemResult(status: 502, body: .null, error: ItemError(code: "missing_record", message: "Airtable's answer has no record for this item"))
            }
            return ItemResult(status: 200, body: records[position], error: nil)
        }
    }
}
