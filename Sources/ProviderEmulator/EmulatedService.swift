/// The six providers the emulator answers for, named as the node's service catalog names them
/// (`COORD_UPSTREAM_<SERVICE>`), each with the latency it adds by default.
enum EmulatedService: String, CaseIterable, Sendable {
    case stripe, twilio, sendgrid, samsara, maps, airtable

    /// Milliseconds added to every call: a few ms, in the order the real APIs usually take relative to
    /// each other (Airtable and Stripe slowest, Maps fastest), small enough that tests stay quick.
    var defaultLatencyMs: Int {
        switch self {
        case .stripe: 15
        case .twilio: 12
        case .sendgrid: 8
        case .samsara: 10
        case .maps: 4
        case .airtable: 20
        }
    }
}
