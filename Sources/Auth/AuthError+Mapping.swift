/// The only place Auth errors become HTTP statuses.
extension AuthError {
    /// 403 when the caller is known but not allowed, 500 for server-side key problems, otherwise 401
    /// (no or bad credentials).
    public var httpStatus: Int {
        switch code {
        case .insufficientRole: 403
        case .invalidKey, .signingFailed: 500
        default: 401
        }
    }

    /// `WWW-Authenticate` value for 401 answers (RFC 6750 section 3).
    public var wwwAuthenticate: String? {
        switch httpStatus {
        case 401 where code == .missingToken: "Bearer"
        case 401: "Bearer error=\"invalid_token\""
        default: nil
        }
    }
}
