import Auth
import Foundation

/// `coordinator token`: signs a JWT with the configured secret so a developer can call the API.
enum TokenCommand {
    static func run(subject: String, role: String, ttlSeconds: Int, configuration: NodeConfiguration) -> Int32 {
        guard let role = Role(rawValue: role) else {
            FileHandle.standardError.write(Data("coordinator: unknown role '\(role)'\n".utf8))
            return 2
        }
        let now = Date()
        let claims = JWTClaims(subject: subject, role: role, expiresAt: now.addingTimeInterval(TimeInterval(ttlSeconds)), issuedAt: now)
        do {
            let token = try JWTSigner.hs256(secret: configuration.jwtSecret).sign(claims)
            print(token)
            return 0
        } catch {
            FileHandle.standardError.write(Data("coordinator: cannot sign a token: \(error.message)\n".utf8))
            return 1
        }
    }
}
