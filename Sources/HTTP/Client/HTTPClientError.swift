/// Why an outbound call failed, in terms a caller can act on (retry, fix configuration, give up).
public enum HTTPClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case dns(String)
    case connectFailed(String)
    case connectTimeout
    case requestTimeout
    case deadlineExceeded
    case connectionClosed
    case malformedResponse(String)
    case responseTooLarge
    case tls(String)
    case tlsUnavailable
    case shutdown

    public var description: String {
        switch self {
        case .invalidURL(let detail): return "invalid URL or request: \(detail)"
        case .dns(let detail): return "DNS resolution failed: \(detail)"
        case .connectFailed(let detail): return "connect failed: \(detail)"
        case .connectTimeout: return "connect timed out"
        case .requestTimeout: return "request timed out"
        case .deadlineExceeded: return "deadline exceeded"
        case .connectionClosed: return "connection closed before the response was complete"
        case .malformedResponse(let detail): return "malformed response: \(detail)"
        case .responseTooLarge: return "response exceeds the configured limits"
        case .tls(let detail): return "TLS failed: \(detail)"
        case .tlsUnavailable: return "https requested but no TLS provider is configured"
        case .shutdown: return "the HTTP client is shut down"
        }
    }

    /// A parser failure as a client error: limits are `.responseTooLarge`, a cut-off response is
    /// `.connectionClosed`, the rest `.malformedResponse(code)`.
    init(_ error: HTTPResponseParseError) {
        if error.isLimit {
            self = .responseTooLarge
        } else if error.code == .truncated {
            self = .connectionClosed
        } else {
            self = .malformedResponse(error.code.rawValue)
        }
    }
}
