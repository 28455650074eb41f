/// Why a response could not be read: a stable code. Errors are sticky: the connection is closed and
/// never reused after one (a parser that lost framing cannot find the next response safely).
public struct HTTPResponseParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, snake_case identifier of the failure; a struct so new codes never break callers.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidStatusLine = Code(rawValue: "invalid_status_line")
        public static let unsupportedVersion = Code(rawValue: "unsupported_version")
        public static let headerBlockTooLarge = Code(rawValue: "header_block_too_large")
        public static let tooManyHeaders = Code(rawValue: "too_many_headers")
        public static let invalidHeaderName = Code(rawValue: "invalid_header_name")
        public static let invalidHeaderValue = Code(rawValue: "invalid_header_value")
        public static let obsoleteLineFolding = Code(rawValue: "obsolete_line_folding")
        public static let invalidContentLength = Code(rawValue: "invalid_content_length")
        public static let contentLengthWithTransferEncoding = Code(rawValue: "content_length_with_transfer_encoding")
        public static let unsupportedTransferCoding = Code(rawValue: "unsupported_transfer_coding")
        public static let bodyTooLarge = Code(rawValue: "body_too_large")
        public static let invalidChunkSize = Code(rawValue: "invalid_chunk_size")
        public static let chunkLineTooLong = Code(rawValue: "chunk_line_too_long")
        public static let invalidChunkTerminator = Code(rawValue: "invalid_chunk_terminator")
        /// 101 Switching Protocols: this client never asks for an upgrade.
        public static let unexpectedUpgrade = Code(rawValue: "unexpected_upgrade")
        /// The peer closed before the response was complete.
        public static let truncated = Code(rawValue: "truncated")
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    /// True when a limit (not the grammar) refused the response.
    public var isLimit: Bool {
        code == .headerBlockTooLarge || code == .tooManyHeaders || code == .bodyTooLarge || code == .chunkLineTooLong
    }

    public var description: String { "HTTPResponseParseError(\(code.rawValue))" }
}
