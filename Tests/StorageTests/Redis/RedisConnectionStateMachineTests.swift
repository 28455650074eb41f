import Testing
@testable import Storage

/// Sequences of events into the connection state machine and the actions expected out of it.
@Suite struct RedisConnectionStateMachineTests {
    typealias Machine = RedisConnectionStateMachine<Int>
    let t0 = ContinuousClock.now

    /// `releaseDelay` defaults to past every time these tests use, so only the release tests
    /// (RedisConnectionStateMachine+ReleaseTests.swift) see `.release` actions.
    func machine(handshake: [RedisHandshakeCommand] = [], subscriber: Bool = false,
                 releaseDelay: Duration = .seconds(1000)) -> Machine {
        var machine = Machine(settings: .init(
            endpoint: "h:1", connectTimeout: .seconds(1), commandTimeout: .seconds(2),
            backoff: RedisBackoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0.5),
            handshake: handshake, isSubscriber: subscriber, releaseDelay: releaseDelay))
        machine.randomUnit = { 0 }
        return machine
    }

    /// Start and connect without handshake: the machine is ready.
    func readyMachine(subscriber: Bool = false, releaseDelay: Duration = .seconds(1000)) -> Machine {
        var machine = machine(subscriber: subscriber, releaseDelay: releaseDelay)
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        machine.connected(now: t0, into: &actions)
        return machine
    }

    /// Submits one command the way the connection thread does; returns the immediate actions
    /// (empty when the command was accepted).
    @discardableResult
    func send(_ machine: inout Machine, _ waiter: Int, _ text: String, replies: Int = 1, collects: Bool = false,
              errorEnds: Bool = false, at now: ContinuousClock.Instant? = nil) -> [Machine.Action] {
        var bytes: [UInt8] = []
        RedisCommandEncoder.append(text.split(separator: " ").map(String.init), to: &bytes)
        var actions: [Machine.Action] = []
        let submission = Machine.Submission(id: UInt64(waiter), waiter: waiter, replies: replies, collects: collects,
                                            errorEndsRequest: errorEnds)
        machine.enqueue([submission], bytes: &bytes, now: now ?? t0, into: &actions)
        return actions
    }

    func reply(_ machine: inout Machine, _ reply: RedisReply, at now: ContinuousClock.Instant? = nil) -> [Machine.Action] {
        var actions: [Machine.Action] = []
        machine.replyReceived(reply, now: now ?? t0, into: &actions)
        return actions
    }

    func outbound(_ machine: inout Machine) -> String {
        var buffer: [UInt8] = []
        machine.takeOutbound(swappingWith: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func commandsQueuedWhileConnectingAreSentAfterTheHandshake() {
        var machine = machine(handshake: [RedisHandshakeCommand(parts: ["AUTH", "pw"], isAuthentication: true)])
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        #expect(actions == [.connect])
        #expect(send(&machine, 1, "GET k").isEmpty)
        #expect(outbound(&machine) == "", "nothing may be written before the socket is connected")

        actions = []
        machine.connected(now: t0, into: &actions)
        #expect(actions.isEmpty)
        #expect(machine.state == .handshaking(deadline: t0 + .seconds(1)))
        #expect(outbound(&machine) == "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        #expect(reply(&machine, .status("OK")) == [.ready(downtime: nil)])
        #expect(reply(&machine, .bulkString([1])) == [.complete(1, .success(.bulkString([1])))])
        #expect(machine.pendingCount == 0)
    }

    @Test func repliesAreMatchedFirstInFirstOut() {
        var machine = readyMachine()
        for waiter in 1...3 { #expect(send(&machine, waiter, "INCR k").isEmpty) }
        #expect(reply(&machine, .integer(1)) == [.complete(1, .success(.integer(1)))])
        #expect(reply(&machine, .integer(2)) == [.complete(2, .success(.integer(2)))])
        #expect(reply(&machine, .integer(3)) == [.complete(3, .success(.integer(3)))])
    }

    @Test func pipelineCollectsAllItsReplies() {
        var machine = readyMachine()
        _ = send(&machine, 1, "MULTI", replies: 3, collects: true)
        _ = send(&machine, 2, "PING")
        #expect(reply(&machine, .status("OK")).isEmpty)
        #expect(reply(&machine, .status("QUEUED")).isEmpty)
        #expect(reply(&machine, .array([])) == [.complete(1, .success(.array([.status("OK"), .status("QUEUED"), .array([])])))])
        #expect(reply(&machine, .status("PONG")) == [.complete(2, .success(.status("PONG")))])
    }

    @Test func timeoutFailsOnlyThatCallerAndItsLateReplyIsDiscarded() {
        var machine = readyMachine()
        _ = send(&machine, 1, "BLPOP q 10", at: t0)
        _ = send(&machine, 2, "PING", at: t0 + .seconds(1))
        #expect(machine.nextDeadline == t0 + .seconds(2))
        var actions: [Machine.Action] = []
        machine.tick(now: t0 + .milliseconds(1999), into: &actions)
        #expect(actions.isEmpty)
        machine.tick(now: t0 + .seconds(2), into: &actions)
        #expect(actions == [.complete(1, .failure(RedisError(.timeout, "no reply from Redis within 2.0 seconds")))])
        #expect(machine.isReady, "a timeout must not tear down the shared connection")
        #expect(machine.nextDeadline == t0 + .seconds(3))
        #expect(reply(&machine, .null).isEmpty, "the late BLPOP reply goes nowhere")
        #expect(reply(&machine, .status("PONG")) == [.complete(2, .success(.status("PONG")))])
    }

    @Test func cancelledCallerIsAnsweredOnceAndDetached() {
        var machine = readyMachine()
        _ = send(&machine, 1, "GET a")
        _ = send(&machine, 2, "GET b")
        var actions: [Machine.Action] = []
        machine.cancel(id: 1, into: &actions)
        machine.cancel(id: 1, into: &actions)
        #expect(actions == [.complete(1, .failure(RedisError(.cancelled, "the command was cancelled")))])
        #expect(reply(&machine, .bulkString([97])).isEmpty)
        #expect(reply(&machine, .bulkString([98])) == [.complete(2, .success(.bulkString([98])))])
    }

    @Test func lostConnectionFailsInFlightCommandsThenBacksOffAndReconnects() {
        var machine = readyMachine()
        _ = send(&machine, 1, "GET a")
        _ = send(&machine, 2, "GET b")
        let lostAt = t0 + .seconds(5)
        var actions: [Machine.Action] = []
        let reason = RedisError(.connectionLost, "gone")
        machine.connectionClosed(reason, now: lostAt, into: &actions)
        #expect(actions == [.complete(1, .failure(reason)), .complete(2, .failure(reason)), .closeSocket, .disconnected(reason)])
        #expect(machine.state == .backingOff(until: lostAt + .milliseconds(100)))

        // While down: fail fast with a clear error instead of queueing.
        guard case .complete(3, .failure(let error))? = send(&machine, 3, "PING", at: lostAt).first else {
            Issue.record("a command was accepted while Redis is down")
            return
        }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("reconnecting"))

        actions = []
        machine.tick(now: lostAt + .milliseconds(99), into: &actions)
        #expect(actions.isEmpty)
        machine.tick(now: lostAt + .milliseconds(100), into: &actions)
        #expect(actions == [.connect])
        // Refused again: the next pause doubles.
        actions = []
        let refused = RedisError(.connectionFailed, "refused")
        machine.connectFailed(refused, now: lostAt + .milliseconds(101), into: &actions)
        #expect(actions == [.closeSocket])
        #expect(machine.state == .backingOff(until: lostAt + .milliseconds(301)))
        actions = []
        machine.tick(now: lostAt + .milliseconds(301), into: &actions)
        machine.connected(now: lostAt + .milliseconds(302), into: &actions)
        #expect(actions == [.connect, .ready(downtime: .milliseconds(302))])
        #expect(send(&machine, 4, "PING").isEmpty)
        #expect(outbound(&machine) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func connectTimeoutFailsQueuedCommands() {
        var machine = machine()
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        _ = send(&machine, 1, "PING")
        actions = []
        machine.tick(now: t0 + .seconds(1), into: &actions)
        guard case .complete(1, .failure(let error)) = actions.first else {
            Issue.record("queued command not failed: \(actions)")
            return
        }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("within"))
        #expect(actions.last == .closeSocket)
    }

    @Test func refusedAuthenticationFailsWithAuthenticationError() {
        var machine = machine(handshake: [RedisHandshakeCommand(parts: ["AUTH", "x"], isAuthentication: true),
                                          RedisHandshakeCommand(parts: ["SELECT", "2"])])
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        _ = send(&machine, 1, "PING")
        machine.connected(now: t0, into: &actions)
        actions = []
        machine.replyReceived(.error("WRONGPASS invalid username-password pair"), now: t0, into: &actions)
        guard case .complete(1, .failure(let error)) = actions.first else {
            Issue.record("waiter not failed: \(actions)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(actions.last == .closeSocket)
        guard case .complete(2, .failure(let later))? = send(&machine, 2, "PING").first else {
            Issue.record("command accepted after AUTH failure")
            return
        }
        #expect(later.code == .authenticationFailed)
    }

    @Test func unsolicitedReplyIsAProtocolError() {
        var machine = readyMachine()
        let actions = reply(&machine, .status("OK"))
        #expect(actions.contains(.closeSocket))
        #expect(!machine.isReady)
    }

    @Test func subscriberPushesBypassTheCommandQueue() {
        var machine = readyMachine(subscriber: true)
        _ = send(&machine, 1, "SUBSCRIBE a b", replies: 2, collects: true)
        let message = RedisReply.array([.bulkString(Array("message".utf8)), .bulkString([97]), .bulkString([1])])
        let confirmA = RedisReply.array([.bulkString(Array("subscribe".utf8)), .bulkString([97]), .integer(1)])
        let confirmB = RedisReply.array([.bulkString(Array("subscribe".utf8)), .bulkString([98]), .integer(2)])
        #expect(reply(&machine, confirmA).isEmpty)
        #expect(reply(&machine, message) == [.push(message)])
        #expect(reply(&machine, confirmB) == [.complete(1, .success(.array([confirmA, confirmB])))])
    }

    @Test func resubscriptionsRunAsHandshakeAndReportTheGap() {
        var machine = readyMachine(subscriber: true)
        var actions: [Machine.Action] = []
        machine.connectionClosed(RedisError(.connectionLost, "gone"), now: t0 + .seconds(1), into: &actions)
        machine.tick(now: t0 + .seconds(2), into: &actions)
        actions = []
        machine.connected(now: t0 + .seconds(2), extra: [RedisHandshakeCommand(parts: ["SUBSCRIBE", "a", "b"], replies: 2)],
                          into: &actions)
        #expect(outbound(&machine) == "*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n")
        #expect(reply(&machine, .array([.bulkString(Array("subscribe".utf8)), .bulkString([97]), .integer(1)])).isEmpty)
        #expect(reply(&machine, .array([.bulkString(Array("subscribe".utf8)), .bulkString([98]), .integer(2)]), at: t0 + .seconds(3))
            == [.ready(downtime: .seconds(2))])
    }

    @Test func refusedSubscribeEndsWithItsSingleErrorReply() {
        var machine = readyMachine(subscriber: true)
        send(&machine, 1, "SUBSCRIBE a b", replies: 2, collects: true, errorEnds: true)
        send(&machine, 2, "PING")
        let refused = RedisReply.error("NOPERM this user has no permissions to access one of the channels")
        #expect(reply(&machine, refused) == [.complete(1, .success(.array([refused])))])
        #expect(reply(&machine, .status("PONG")) == [.complete(2, .success(.status("PONG")))])
    }

    @Test func refusedResubscriptionDoesNotKeepTheConnectionDown() {
        var machine = machine(subscriber: true)
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        machine.connected(now: t0, extra: [RedisHandshakeCommand(parts: ["SUBSCRIBE", "a", "b"], replies: 2, isFatal: false)],
                          into: &actions)
        #expect(reply(&machine, .error("NOPERM no")) == [.ready(downtime: nil)])
        #expect(machine.isReady)
    }

    @Test func shutdownFailsEverythingOnceAndRefusesNewCommands() {
        var machine = readyMachine()
        _ = send(&machine, 1, "PING")
        var actions: [Machine.Action] = []
        machine.shutdown(into: &actions)
        machine.shutdown(into: &actions)
        #expect(actions == [.complete(1, .failure(RedisError(.shutdown, "the Redis client was shut down")))])
        #expect(machine.isClosed)
        #expect(send(&machine, 2, "PING") == [.complete(2, .failure(RedisError(.shutdown, "the Redis client was shut down")))])
        actions = []
        machine.tick(now: t0 + .seconds(100), into: &actions)
        #expect(actions.isEmpty)
    }
    func tick(_ machine: inout Machine, at now: ContinuousClock.Instant) -> [Machine.Action] {
        var actions: [Machine.Action] = []
        machine.tick(now: now, into: &actions)
        return actions
    }

    /// A connection a NAT dropped silently stays "connected": after three command timeouts with
    /// a command waiting and not one byte received, it is declared dead, its waiters fail with
    /// connectionLost and it reconnects (timeouts alone would keep it up for ~15 minutes).
    @Test func silentConnectionWithCommandsWaitingIsDeclaredDeadAndReplaced() {
        var machine = readyMachine()
        _ = send(&machine, 1, "GET a", at: t0)
        #expect(tick(&machine, at: t0 + .seconds(2)) == [
            .complete(1, .failure(RedisError(.timeout, "no reply from Redis within 2.0 seconds")))])
        _ = send(&machine, 2, "GET b", at: t0 + .seconds(5))
        #expect(machine.nextDeadline == t0 + .seconds(6), "the stall deadline must wake the connection thread")
        #expect(tick(&machine, at: t0 + .milliseconds(5999)).isEmpty)
        let actions = tick(&machine, at: t0 + .seconds(6))
        let dead = RedisError(.connectionLost, "no reply from Redis at h:1 for 6.0 seconds while commands waited: "
                              + "connection presumed dead")
        #expect(actions == [.complete(2, .failure(dead)), .closeSocket, .disconnected(dead)])
        #expect(machine.state == .backingOff(until: t0 + .seconds(6) + .milliseconds(100)))
        #expect(tick(&machine, at: t0 + .seconds(7)) == [.connect], "it reconnects after the backoff")
    }

    /// A slow reply that IS arriving (bytes received, reply not complete yet) proves the
    /// connection alive: its caller times out, but the connection stays and the reply is discarded.
    @Test func slowReplyStillArrivingKeepsTheConnection() {
        var machine = readyMachine()
        _ = send(&machine, 1, "GET big", at: t0)
        _ = tick(&machine, at: t0 + .seconds(2))
        machine.bytesReceived(now: t0 + .seconds(4))
        #expect(tick(&machine, at: t0 + .seconds(6)).isEmpty)
        machine.bytesReceived(now: t0 + .seconds(9))
        #expect(machine.nextDeadline == t0 + .seconds(15))
        #expect(tick(&machine, at: t0 + .seconds(14)).isEmpty)
        #expect(machine.isReady)
        #expect(reply(&machine, .bulkString([1]), at: t0 + .seconds(14)).isEmpty)
        #expect(machine.nextDeadline == nil)
    }

    /// Silence while nothing is waiting is just an idle connection; a command sent later is given
    /// its full stall time from when it was sent, not from the last bytes long ago.
    @Test func idleConnectionIsNotDeclaredDead() {
        var machine = readyMachine()
        #expect(tick(&machine, at: t0 + .seconds(100)).isEmpty)
        _ = send(&machine, 1, "PING", at: t0 + .seconds(100))
        #expect(tick(&machine, at: t0 + .seconds(105)) == [
            .complete(1, .failure(RedisError(.timeout, "no reply from Redis within 2.0 seconds")))])
        #expect(machine.isReady)
        #expect(machine.nextDeadline == t0 + .seconds(106))
    }

    /// Reply values may be secrets: the error for a stray reply names its type and size only.
    @Test func strayReplyErrorNeverQuotesTheReply() {
        var machine = readyMachine()
        let actions = reply(&machine, .array([.bulkString(Array("s3cret-token".utf8)), .status("hunter2")]))
        let error = RedisError(.protocolError, "Redis sent a reply nobody asked for: array (2 elements)")
        #expect(actions == [.closeSocket, .disconnected(error)])
        for action in actions {
            #expect(!"\(action)".contains("s3cret") && !"\(action)".contains("hunter2"))
        }
    }

    /// The text form of a reply (what ends up in messages and logs) holds no reply data.
    @Test func replyTextShowsTypeAndSizeOnly() {
        let secret = "s3cret"
        let replies: [RedisReply] = [.status(secret), .error("ERR " + secret), .integer(424242),
                                     .bulkString(Array(secret.utf8)), .array([.bulkString(Array(secret.utf8))]), .null]
        let texts = replies.map(\.description)
        #expect(texts == ["status (6 bytes)", "error (10 bytes)", "integer", "bulk string (6 bytes)",
                          "array (1 element)", "null"])
        #expect(replies.allSatisfy { !"\($0)".contains(secret) && !"\($0)".contains("424242") })
    }
}
