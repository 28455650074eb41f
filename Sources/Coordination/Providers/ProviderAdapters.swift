/// The adapters the cluster ships, by service name.
public enum ProviderAdapters {
    public static let standard: [String: any ProviderAdapter] = {
        let all: [any ProviderAdapter] = [StripeAdapter(), TwilioAdapter(), SendGridAdapter(), SamsaraAdapter(),
                                          MapsAdapter(), AirtableAdapter()]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.service, $0) })
    }()

    /// The variable that holds a service's credential.
    public static func variable(_ service: String) -> String {
        "COORD_API_KEY_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
