import HTTP

extension HTTPRequest {
    /// The form-encoded body (`a=1&b=2`) that Stripe and Twilio take, decoded like a query string.
    var formParameters: QueryParameters {
        QueryParameters(parsing: String(decoding: body, as: UTF8.self))
    }
}
