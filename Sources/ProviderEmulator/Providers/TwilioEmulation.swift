import Foundation
import HTTP
import Logging

/// Twilio `POST /2010-04-01/Accounts/{sid}/Messages.json`: Basic `AccountSid:AuthToken` whose sid
/// matches the path; form `To`, `From` or `MessagingServiceSid`, `Body` or `MediaUrl`; 201 with a
/// queued message. Errors use Twilio's `{"code","message","more_info","status"}`.
struct TwilioEmulation: ProviderEmulation {
    let service = EmulatedService.twilio

    func failure(status: Int, message: String) -> EmulatorReply {
        let code = switch status {
        case 401: 20003
        case 429: 20429
        case 503: 20503
        default: 20500
        }
        return Self.error(status: status, code: code, message: message)
    }

    static func error(status: Int, code: Int, message: String) -> EmulatorReply {
        .json(.object([
            "code": .integer(Int64(code)), "message": .string(message), "status": .integer(Int64(status)),
            "more_info": .string("https://www.twilio.com/docs/errors/\(code)"),
        ]), status: status)
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        guard let credentials = Credentials.basic(request), !credentials.password.isEmpty,
              credentials.user == context.pathParameters["sid"] else {
            return Self.error(status: 401, code: 20003, message: "Authenticate")
        }
        return nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        let form = request.formParameters
        guard let to = form["To"], !to.isEmpty else {
            return Self.error(status: 400, code: 21604, message: "A 'To' phone number is required.")
        }
        let from = form["From"]
        let service = form["MessagingServiceSid"]
        guard from?.isEmpty == false || service?.isEmpty == false else {
            return Self.error(status: 400, code: 21603, message: "A 'From' phone number is required.")
        }
        let body = form["Body"] ?? ""
        guard !body.isEmpty || form["MediaUrl"] != nil else {
            return Self.error(status: 400, code: 21602, message: "Message body is required.")
        }
        let account = context.pathParameters["sid"] ?? ""
        let sid = RandomID.make("SM", length: 32, alphabet: RandomID.hex)
        let now = Self.rfc2822.string(from: Date())
        return .json(.object([
            "sid": .string(sid), "account_sid": .string(account), "status": .string("queued"),
            "to": .string(to), "from": from.map { .string($0) } ?? .null, "body": .string(body),
            "messaging_service_sid": service.map { .string($0) } ?? .null,
            "direction": .string("outbound-api"), "api_version": .string("2010-04-01"),
            "num_segments": .string(String(max(1, (body.count + 159) / 160))),
            "date_created": .string(now), "date_updated": .string(now), "date_sent": .null,
            "error_code": .null, "error_message": .null, "price": .null, "price_unit": .string("USD"),
            "uri": .string("/2010-04-01/Accounts/\(account)/Messages/\(sid).json"),
        ]), status: 201, items: 1)
    }

    /// Twilio's date form: `Fri, 04 Dec 2026 03:59:13 +0000`.
    static var rfc2822: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }
}
