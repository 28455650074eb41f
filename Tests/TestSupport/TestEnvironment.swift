import Foundation

/// The servers scripts/test.sh started (its `COORD_TEST_*` variables) and the environment of a test
/// node; a test that needs a server fails clearly when run without the script.
package enum TestEnvironment {
    /// Thrown (failing the test) when a variable the test script exports is not set.
    package struct Missing: Error, CustomStringConvertible {
        package var variable: String
        package var description: String {
            "\(variable) is not set: run the tests through scripts/test.sh (it starts Redis and PostgreSQL)"
        }
    }

    package static func value(_ name: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { throw Missing(variable: name) }
        return v
    }

    /// `redis://127.0.0.1:<port>` of the test Redis.
    package static func redisURL() throws -> String { try value("COORD_TEST_REDIS_URL") }
    /// `postgres://postgres@127.0.0.1:<port>/postgres` of the test PostgreSQL (its admin database).
    package static func databaseURL() throws -> String { try value("COORD_TEST_DATABASE_URL") }

    /// The HS256 secret every test node is started with (tests sign their tokens with it).
    package static let jwtSecret = "node-tests-secret-0123456789abcdef"

    /// The environment of a test node: port 0 (it announces the real one), test servers, a test secret.
    package static func nodeEnvironment(id: String, extra: [String: String] = [:]) throws -> [String: String] {
        var env = [
            "COORD_NODE_ID": id,
            "COORD_HTTP_PORT": "0",
            "COORD_REDIS_URL": try redisURL(),
            "COORD_DATABASE_URL": try databaseURL(),
            "COORD_JWT_SECRET": jwtSecret,
            "COORD_EVENT_LOOPS": "1",
            // Tests drive one `sub` far past the default 1,200 per minute (thousands of requests in a
            // failover run): the per-client limit stays on (every request still pays its check) but out
            // of their way. Its own tests set it.
            "COORD_CLIENT_RATE_LIMIT_PER_MINUTE": "1000000",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }
}
