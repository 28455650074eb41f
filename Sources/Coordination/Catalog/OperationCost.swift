/// What one operation of a provider costs, in micro-dollars: per request sent and per billing unit
/// (Maps element, SendGrid recipient, Twilio message, Airtable record). Used for the reservation
/// before a call and the settlement after it.
public struct OperationCost: Sendable, Equatable, Codable {
    public var perCallMicros: Int64
    public var perUnitMicros: Int64

    public init(perCallMicros: Int64 = 0, perUnitMicros: Int64 = 0) {
        self.perCallMicros = perCallMicros
        self.perUnitMicros = perUnitMicros
    }

    public static let free = OperationCost()
}
