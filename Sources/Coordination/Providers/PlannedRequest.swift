/// One request to a provider and the prepared items it carries (indices into the list given to
/// `ProviderAdapter.plan`).
public struct PlannedRequest: Sendable {
    public let request: UpstreamRequest
    public let items: [Int]

    public init(request: UpstreamRequest, items: [Int]) {
        self.request = request
        self.items = items
    }
}
