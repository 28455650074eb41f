import HTTP
import Logging

/// SendGrid v3 `POST /v3/mail/send`: Bearer API key; at most 1,000 personalizations and 1,000
/// recipients (to + cc + bcc) per call; 202 with an empty body and `X-Message-Id` on success.
struct SendGridEmulation: ProviderEmulation {
    let service = EmulatedService.sendgrid
    static let maxPersonalizations = 1_000
    static let maxRecipients = 1_000

    func failure(status: Int, message: String) -> EmulatorReply {
        Self.error(status: status, message: message, field: nil)
    }

    /// SendGrid's error shape: `{"errors":[{"message","field","help"}]}`.
    static func error(status: Int, message: String, field: String?) -> EmulatorReply {
        .json(.object(["errors": .array([.object([
            "message": .string(message),
            "field": field.map { .string($0) } ?? .null,
            "help": .null,
        ])])]), status: status)
    }

    func authenticate(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply? {
        Credentials.bearer(request) == nil
            ? Self.error(status: 401, message: "The provided authorization grant is invalid, expired, or revoked", field: nil)
            : nil
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) -> EmulatorReply {
        guard let mail = JSONValue.object(from: request.body) else {
            return Self.error(status: 400, message: "Bad Request", field: nil)
        }
        guard case .array(let personalizations)? = mail["personalizations"], !personalizations.isEmpty else {
            return Self.error(status: 400, message: "The personalizations field is required and must have at least one personalization.",
                              field: "personalizations")
        }
        if personalizations.count > Self.maxPersonalizations {
            return Self.error(status: 400, message: "The personalizations field cannot have more than \(Self.maxPersonalizations) objects.",
                              field: "personalizations")
        }
        var recipients = 0
        for (n, personalization) in personalizations.enumerated() {
            guard case .object(let fields) = personalization, case .array(let to)? = fields["to"], !to.isEmpty else {
                return Self.error(status: 400, message: "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
                                  field: "personalizations.\(n).to")
            }
            for list in ["to", "cc", "bcc"] {
                guard case .array(let addresses)? = fields[list] else { continue }
                recipients += addresses.count
                for (m, address) in addresses.enumerated() {
                    guard case .object(let entry) = address, case .string(let email)? = entry["email"], Self.isEmail(email) else {
                        return Self.error(status: 400, message: "Does not contain a valid address.",
                                          field: "personalizations.\(n).\(list).\(m).email")
                    }
                }
            }
        }
        if recipients > Self.maxRecipients {
            return Self.error(status: 400, message: "The total number of recipients must be no more than \(Self.maxRecipients). This includes all recipients defined within the to, cc, and bcc parameters, across each object that you include in the personalizations array.",
                              field: "personalizations")
        }
        guard case .object(let from)? = mail["from"], case .string(let sender)? = from["email"], Self.isEmail(sender) else {
            return Self.error(status: 400, message: "The from email does not contain a valid address.", field: "from.email")
        }
        let hasTemplate = mail["template_id"] != nil
        let personalizedSubject = personalizations.allSatisfy { if case .object(let p) = $0 { p["subject"] != nil } else { false } }
        if !hasTemplate && mail["subject"] == nil && !personalizedSubject {
            return Self.error(status: 400, message: "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
                              field: "subject")
        }
        if !hasTemplate {
            guard case .array(let content)? = mail["content"], !content.isEmpty else {
                return Self.error(status: 400, message: "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.",
                                  field: "content")
            }
        }
        return EmulatorReply(status: 202, headers: ["X-Message-Id": RandomID.make("", length: 22)],
                             items: personalizations.count)
    }

    /// Close enough to SendGrid's check: one `@`, a non-empty local part, a dotted domain, no spaces.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(" ") else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }
}
