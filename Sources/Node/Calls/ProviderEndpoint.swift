import Coordination
import Foundation
import HTTP

/// Where and as whom one service is called: its adapter, the origin (`COORD_UPSTREAM_<SERVICE>`, by
/// default the real provider) and the credential (`COORD_API_KEY_<SERVICE>`), or why there is none.
/// The credential is never logged or echoed: problems name the variable, not its value.
struct ProviderEndpoint: Sendable {
    let service: String
    let adapter: any ProviderAdapter
    let origin: HTTPOrigin?
    let credential: Result<ProviderCredential, ProviderPayloadError>

    /// The providers' own base URLs, used when no `COORD_UPSTREAM_<SERVICE>` is set.
    static let defaultBaseURLs: [String: String] = [
        "stripe": "https://api.stripe.com",
        "twilio": "https://api.twilio.com",
        "sendgrid": "https://api.sendgrid.com",
        "samsara": "https://api.samsara.com",
        "maps": "https://maps.googleapis.com",
        "airtable": "https://api.airtable.com",
    ]

    static func variable(_ service: String) -> String {
        "COORD_API_KEY_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// One endpoint per service that has an adapter; a bad base URL stops the node naming it.
    static func all(configuration: NodeConfiguration, adapters: [String: any ProviderAdapter])
        throws(ConfigurationError) -> [String: ProviderEndpoint] {
        var endpoints: [String: ProviderEndpoint] = [:]
        for (service, adapter) in adapters {
            let url = configuration.upstreams[service] ?? defaultBaseURLs[service].flatMap(URL.init(string:))
            var origin: HTTPOrigin?
            if let url {
                do {
                    origin = try HTTPOrigin(url: url)
                } catch {
                    throw ConfigurationError(variable: "COORD_UPSTREAM_" + service.uppercased(), problem: "\(error)")
                }
            }
            let credential: Result<ProviderCredential, ProviderPayloadError>
            if let raw = configuration.apiKeys[service] {
                credential = adapter.credential(from: raw)
            } else {
                credential = .failure(ProviderPayloadError(field: variable(service),
                                                           message: "\(variable(service)) is not set on this node."))
            }
            endpoints[service] = ProviderEndpoint(service: service, adapter: adapter, origin: origin, credential: credential)
        }
        return endpoints
    }
}
