import Storage
import Testing
@testable import Coordination

/// Which Redis failures are an outage (retry later: 503 + Retry-After) and which are a bug.
@Suite struct CoordinationErrorTests {
    @Test func redisRepliesThatMeanNotNowAreOutages() {
        // Redis answers these while it restarts, fails over or runs a long script: retrying works.
        for line in ["LOADING Redis is loading the dataset in memory", "BUSY Redis is busy running a script",
                     "MASTERDOWN Link with MASTER is down", "READONLY You can't write against a read only replica.",
                     "TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down"] {
            let error = CoordinationError(redis: RedisError(.server, line), operation: "test")
            #expect(error.code == .sharedStateUnavailable, "\(line)")
        }
    }

    @Test func otherServerErrorsAndOddRepliesAreNot() {
        for error in [RedisError(.server, "WRONGTYPE Operation against a key holding the wrong kind of value"),
                      RedisError(.server, "ERR unknown command"), RedisError(.unexpectedReply, "odd"),
                      RedisError(.server, "LOADINGX not a real prefix")] {
            #expect(CoordinationError(redis: error, operation: "test").code == .corruptState, "\(error)")
        }
    }

    @Test func connectionFailuresAreOutages() {
        for code in [RedisError.Code.connectionFailed, .connectionLost, .timeout, .shutdown] {
            #expect(CoordinationError(redis: RedisError(code, "x"), operation: "test").isUnavailable)
        }
    }
}
