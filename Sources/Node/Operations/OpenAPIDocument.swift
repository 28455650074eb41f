import Foundation
import HTTP
import Logging

/// The OpenAPI 3.1 document of the node's routes (`docs/openapi.json`), served at GET /openapi.json.
/// Read once at start from `COORD_OPENAPI_FILE` (default `docs/openapi.json`, relative to the working
/// directory, as `COORD_MIGRATIONS_DIR` defaults to `migrations`) and then served as fixed bytes. A
/// node that cannot read it still serves everything else: it logs the problem once and answers 404.
struct OpenAPIDocument: Sendable {
    static let environmentVariable = "COORD_OPENAPI_FILE"
    static let defaultPath = "docs/openapi.json"
    static let route = "/openapi.json"

    let path: String
    /// The file's bytes as read, when they are a JSON object whose `openapi` is a 3.1 version.
    let bytes: [UInt8]?
    /// Why `bytes` is nil.
    let problem: String?

    init(path: String) {
        self.path = path
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            (self.bytes, problem) = (nil, "cannot read the file")
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let version = object["openapi"] as? String, version.hasPrefix("3.1.") else {
            (self.bytes, problem) = (nil, "not a JSON object with \"openapi\": \"3.1.x\"")
            return
        }
        (self.bytes, problem) = (bytes, nil)
    }

    /// The document the environment names (the process environment unless given one).
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> OpenAPIDocument {
        let configured = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return OpenAPIDocument(path: configured ?? defaultPath)
    }

    /// Adds GET /openapi.json (no authentication) to `router`; logs once if the document is missing.
    func register(on router: inout RouterGroup, logger: Logger) {
        guard let bytes else {
            logger.error("openapi document unavailable", ["path": .string(path), "problem": .string(problem ?? ""),
                                                          "variable": .string(Self.environmentVariable)])
            let error = HTTPError.notFound("The OpenAPI document is not installed on this node (\(Self.environmentVariable)).")
            router.getSync(Self.route) { _, _ in throw error }
            return
        }
        router.getSync(Self.route) { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache"], body: bytes)
        }
    }
}
