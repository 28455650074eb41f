/// Why a request was refused by the parser: a code (stable, testable) plus the HTTP status it maps to.
/// Errors are sticky: once the parser has failed, the connection answers with `status` and closes.
public struct HTTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, snake_case identifier of the failure; a struct so new codes never break callers.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidMethod = Code(rawValue: "invalid_method")
        public static let invalidRequestTarget = Code(rawValue: "invalid_request_target")
        public static let invalidVersion = Code(rawValue: "invalid_version")
        public static let unsupportedVersion = Code(rawValue: "unsupported_version")
        public static let requestLineTooLong = Code(rawValue: "request_line_too_long")
        public static let tooManyEmptyLines = Code(rawValue: "too_many_empty_lines")
        public static let headerBlockTooLarge = Code(rawValue: "header_block_too_large")
        public static let tooManyHeaders = Code(rawValue: "too_many_headers")
        public static let invalidHeaderName = Code(rawValue: "invalid_header_name")
        public static let whitespaceBeforeColon = Code(rawValue: "whitespace_before_colon")
        public static let obsoleteLineFolding = Code(rawValue: "obsolete_line_folding")
        public static let invalidHeaderValue = Code(rawValue: "invalid_header_value")
        public static let bareCarriageReturn = Code(rawValue: "bare_carriage_return")
        public static let bareLineFeed = Code(rawValue: "bare_line_feed")
        public static let missingHost = Code(rawValue: "missing_host")
        public static let multipleHost = Code(rawValue: "multiple_host")
        public static let contentLengthWithTransferEncoding = Code(rawValue: "content_length_with_transfer_encoding")
        public static let multipleContentLength = Code(rawValue: "multiple_content_length")
        public static let invalidContentLength = Code(rawValue: "invalid_content_length")
        public static let transferEncodingInHTTP10 = Code(rawValue: "transfer_encoding_in_http10")
        public static let invalidTransferEncoding = Code(rawValue: "invalid_transfer_encoding")
        public static let unsupportedTransferCoding = Code(rawValue: "unsupported_transfer_coding")
        public static let bodyTooLarge = Code(rawValue: "body_too_large")
        public static let invalidChunkSize = Code(rawValue: "invalid_chunk_size")
        public static let chunkLineTooLong = Code(rawValue: "chunk_line_too_long")
        public static let invalidChunkTerminator = Code(rawValue: "invalid_chunk_terminator")
        public static let expectationFailed = Code(rawValue: "expectation_failed")
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    /// The one place parse failures map to HTTP status codes.
    public var status: Int {
        switch code {
        case .requestLineTooLong: return 414
        case .headerBlockTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferCoding: return 501
        case .expectationFailed: return 417
        default: return 400
        }
    }

    public var description: String { "HTTPParseError(\(code.rawValue), \(status))" }
}
