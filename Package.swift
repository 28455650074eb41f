// swift-tools-version:6.0
// The coordination cluster. No Swift package dependencies (rule): only the toolchain and Debian C
// libraries (hiredis, libpq, OpenSSL libcrypto) through system-library targets.
import PackageDescription

let package = Package(
    name: "coordinator",
    products: [
        .executable(name: "coordinator", targets: ["Node"]),
        .executable(name: "coordinator-bench", targets: ["Bench"]),
    ],
    targets: [
        // C libraries from Debian: module maps and shim headers only.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),

        // Thin, typed wrappers over libcrypto (hashes, HMAC, ECDSA/RSA verify, constant-time compare).
        .target(name: "Cryptography", dependencies: ["CCrypto"]),
        // Event loops, HTTP/1.1 server, WebSocket codec, router.
        .target(name: "HTTP", dependencies: ["CEpoll", "Cryptography"]),
        // Redis and PostgreSQL clients, migrations runner.
        .target(name: "Storage", dependencies: ["CHiredis", "CLibPQ", "CEpoll"]),
        // JWT verification and roles.
        .target(name: "Auth", dependencies: ["Cryptography"]),
        // The domain: catalog, rate limits, budgets, batching, webhooks, rooms.
        .target(name: "Coordination", dependencies: ["Storage", "Cryptography"]),
        // The `coordinator` executable: configuration, wiring, routes, CLI.
        .executableTarget(name: "Node", dependencies: ["HTTP", "Storage", "Auth", "Coordination"]),

        // Benchmarks that print our figure beside a reference tool's (not tests).
        .executableTarget(name: "Bench", dependencies: ["Storage", "HTTP"]),
        .executableTarget(name: "HTTPBench", dependencies: ["HTTP"]),

        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Cryptography"]),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination"]),
        .testTarget(name: "NodeTests", dependencies: ["Node", "HTTP", "Storage"]),
    ],
    swiftLanguageModes: [.v6]
)
