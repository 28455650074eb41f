/// How a provider is authenticated, from `COORD_API_KEY_<SERVICE>`. Never logged, never part of an
/// error message or a stored record.
public enum ProviderCredential: Sendable, Equatable {
    /// `Authorization: Bearer <token>` (Stripe, SendGrid, Samsara, Airtable).
    case bearer(String)
    /// `Authorization: Basic base64(user:password)` (Twilio: account SID and auth token).
    case basic(user: String, password: String)
    /// `key=<value>` in the query (Google Maps).
    case queryKey(String)
}
