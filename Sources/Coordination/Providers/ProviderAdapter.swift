import Foundation
import Logging

/// One provider's API: checks an item's payload, groups compatible items into the provider's real
/// requests within its limits, and splits each response back per item (its success or its own
/// error). Pure: no I/O, so every request shape and split is tested with tables.
public protocol ProviderAdapter: Sendable {
    var service: String { get }
    var operations: [String] { get }
    /// The credential from the raw `COORD_API_KEY_<SERVICE>` value, or why it cannot be used (the
    /// problem never repeats the value).
    func credential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError>
    /// Checks one item before anything is reserved or sent: a missing or wrong field, an unknown
    /// operation, or an item over the provider's limits throws naming the field.
    func prepare(operation: String, payload: JSONValue, idempotencyKey: String?) throws(ProviderPayloadError) -> PreparedItem
    /// The requests that carry `items` (each index exactly once), within the provider's limits.
    func plan(_ items: [PreparedItem], credential: ProviderCredential) -> [PlannedRequest]
    /// One result per index of `planned.items`, in the same order.
    func results(of planned: PlannedRequest, items: [PreparedItem], response: UpstreamResponse) -> [ItemResult]
}

extension ProviderAdapter {
    /// A bearer token: any non-empty value without whitespace.
    func bearerCredential(from raw: String) -> Result<ProviderCredential, ProviderPayloadError> {
        let token = raw.trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            return .failure(ProviderPayloadError(field: ProviderAdapters.variable(service), message: "must be a token without spaces"))
        }
        return .success(.bearer(token))
    }

    func unknownOperation(_ operation: String) -> ProviderPayloadError {
        ProviderPayloadError(field: "operation",
                             message: "\(service) has no operation '\(operation)'; operations: \(operations.joined(separator: ", ")).")
    }

    /// Every item gets the same answer (a request-level error, or a response without per-item parts).
    func same(_ result: ItemResult, for planned: PlannedRequest) -> [ItemResult] {
        Array(repeating: result, count: planned.items.count)
    }
}
