// swift-tools-version:6.0
// The coordination cluster. No Swift package dependencies (rule): only the toolchain and Debian C
// libraries (hiredis, libpq, OpenSSL libcrypto) through system-library targets.
import PackageDescription

let package = Package(
    name: "coordinator",
    products: [
        .executable(name: "coordinator", targets: ["Node"]),
        .executable(name: "coordinator-bench", targets: ["Bench"]),
        .executable(name: "provider-emulator", targets: ["ProviderEmulator"]),
    ],
    targets: [
        // C libraries from Debian: module maps and shim headers only.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        // libssl (and libcrypto) for the outbound client's TLS layer.
        .systemLibrary(name: "CSSL", path: "Sources/CSSL", pkgConfig: "openssl"),

        // JSON values, log lines, the log writer, failure logs and duration units: every layer uses it.
        .target(name: "Logging"),
        // Thin, typed wrappers over libcrypto (hashes, HMAC, ECDSA/RSA verify, constant-time compare).
        .target(name: "Cryptography", dependencies: ["CCrypto"]),
        // Event loops, HTTP/1.1 server, WebSocket codec, router.
        .target(name: "HTTP", dependencies: ["CEpoll", "CSSL", "Cryptography", "Logging", "Auth"]),
        // Redis and PostgreSQL clients, migrations runner.
        .target(name: "Storage", dependencies: ["CHiredis", "CLibPQ", "Logging", "CEpoll"]),
        // JWT verification and roles.
        .target(name: "Auth", dependencies: ["Cryptography", "Logging"]),
        // The domain: catalog, rate limits, budgets, batching, webhooks, rooms.
        .target(name: "Coordination", dependencies: ["Storage", "Cryptography", "Logging"],
                // Every Lua script, one file each in Scripts/<Feature>/, compiled into the binary as
                // `PackageResources.<Name>_lua` (no resource bundle to ship; a new file needs no edit
                // here). File names must be unique across features.
                resources: [.embedInCode("Scripts")]),
        // The `coordinator` executable: configuration, wiring, routes, CLI.
        .executableTarget(name: "Node", dependencies: ["HTTP", "Storage", "Auth", "Coordination", "Logging"]),

        // Benchmarks that print our figure beside a reference tool's (not tests).
        .executableTarget(name: "Bench", dependencies: ["Storage", "HTTP", "Logging"]),
        .executableTarget(name: "HTTPBench", dependencies: ["HTTP", "Logging"]),
        // The six providers' APIs and limits on loopback, with knobs and counters, for tests,
        // benchmarks and the dev cluster.
        .executableTarget(name: "ProviderEmulator", dependencies: ["HTTP", "Logging"]),

        // What every test target shares, once: the test servers' environment, a raw HTTP + WebSocket
        // client, node processes, a cluster behind HAProxy, private Redis/PostgreSQL servers, a
        // manual clock. A regular target (not a test target) so that test targets can import it.
        .target(name: "TestSupport", dependencies: ["HTTP", "Storage"], path: "Tests/TestSupport"),

        .testTarget(name: "LoggingTests", dependencies: ["Logging", "TestSupport"]),
        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "Logging", "Auth", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Cryptography", "TestSupport"]),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination", "TestSupport"]),
        .testTarget(name: "NodeTests", dependencies: ["Node", "HTTP", "Storage", "Coordination", "Auth", "Logging", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
