import Logging

/// Typed reads of a JSON payload that name the field at fault the way the client wrote it
/// (`payload.origins[3]`), for the adapters' checks.
struct PayloadReader {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "payload") {
        self.value = value
        self.path = path
    }

    func fail(_ message: String, at field: String? = nil) -> ProviderPayloadError {
        ProviderPayloadError(field: field.map { path + "." + $0 } ?? path, message: message)
    }

    var object: [String: JSONValue]? {
        if case .object(let fields) = value { return fields }
        return nil
    }

    func field(_ name: String) -> PayloadReader? {
        guard let fields = object, let value = fields[name], value != .null else { return nil }
        return PayloadReader(value, path: path + "." + name)
    }

    func required(_ name: String) throws(ProviderPayloadError) -> PayloadReader {
        guard let field = field(name) else { throw fail("is required", at: name) }
        return field
    }

    func string(maxLength: Int = 10_000) throws(ProviderPayloadError) -> String {
        guard case .string(let text) = value else { throw ProviderPayloadError(field: path, message: "must be a string") }
        guard !text.isEmpty else { throw ProviderPayloadError(field: path, message: "must not be empty") }
        guard text.utf8.count <= maxLength else { throw ProviderPayloadError(field: path, message: "must be at most \(maxLength) bytes") }
        return text
    }

    func requiredString(_ name: String, maxLength: Int = 10_000) throws(ProviderPayloadError) -> String {
        try required(name).string(maxLength: maxLength)
    }

    func optionalString(_ name: String, maxLength: Int = 10_000) throws(ProviderPayloadError) -> String? {
        guard let field = field(name) else { return nil }
        return try field.string(maxLength: maxLength)
    }

    func array(min: Int = 1, max: Int) throws(ProviderPayloadError) -> [PayloadReader] {
        guard case .array(let values) = value else { throw ProviderPayloadError(field: path, message: "must be an array") }
        guard values.count >= min else { throw ProviderPayloadError(field: path, message: "must have at least \(min) item\(min == 1 ? "" : "s")") }
        guard values.count <= max else { throw ProviderPayloadError(field: path, message: "must have at most \(max) items (the provider's limit)") }
        return values.enumerated().map { PayloadReader($0.element, path: "\(path)[\($0.offset)]") }
    }

    func strings(min: Int = 1, max: Int, maxLength: Int = 1_000) throws(ProviderPayloadError) -> [String] {
        var out: [String] = []
        for element in try array(min: min, max: max) { out.append(try element.string(maxLength: maxLength)) }
        return out
    }

    func requiredObject(_ name: String) throws(ProviderPayloadError) -> PayloadReader {
        let field = try required(name)
        guard field.object != nil else { throw ProviderPayloadError(field: field.path, message: "must be an object") }
        return field
    }

    /// An e-mail address as SendGrid checks it loosely: something@something.something, no spaces.
    func email() throws(ProviderPayloadError) -> String {
        let text = try string(maxLength: 320)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.contains(where: { $0.isWhitespace }) else {
            throw ProviderPayloadError(field: path, message: "must be an e-mail address")
        }
        return text
    }

    /// Fields other than `allowed` are refused: a typo must not be sent silently to a paid API.
    func onlyFields(_ allowed: Set<String>) throws(ProviderPayloadError) {
        guard let fields = object else { throw ProviderPayloadError(field: path, message: "must be an object") }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail("is not a field of this operation (fields: \(allowed.sorted().joined(separator: ", ")))", at: unknown)
        }
    }
}
