import Testing
@testable import Storage

/// Releasing slow callers (so only they pay for a cancellation handler) and their reattachment:
/// every caller still gets exactly one result, whatever order reply, timeout, cancellation,
/// loss of the connection and reattachment come in.
extension RedisConnectionStateMachineTests {
    func reattach(_ machine: inout Machine, _ id: Int, as waiter: Int) -> [Machine.Action] {
        var actions: [Machine.Action] = []
        machine.reattach(id: UInt64(id), waiter: waiter, into: &actions)
        return actions
    }

    func cancel(_ machine: inout Machine, _ id: Int) -> [Machine.Action] {
        var actions: [Machine.Action] = []
        machine.cancel(id: UInt64(id), into: &actions)
        return actions
    }

    @Test func onlyCallersWaitingPastTheDelayAreReleasedOnceEach() {
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        _ = send(&machine, 1, "GET a", at: t0)
        _ = send(&machine, 2, "GET b", at: t0 + .milliseconds(3))
        #expect(machine.nextDeadline == t0 + .milliseconds(5), "the release time must wake the connection thread")
        #expect(tick(&machine, at: t0 + .milliseconds(4)).isEmpty)
        #expect(tick(&machine, at: t0 + .milliseconds(5)) == [.release(1)])
        #expect(machine.nextDeadline == t0 + .milliseconds(8))
        #expect(reattach(&machine, 1, as: 11).isEmpty)
        #expect(reply(&machine, .integer(1), at: t0 + .milliseconds(6)) == [.complete(11, .success(.integer(1)))])
        #expect(reply(&machine, .integer(2), at: t0 + .milliseconds(7)) == [.complete(2, .success(.integer(2)))],
                "a caller answered within the delay is never released")
        #expect(tick(&machine, at: t0 + .seconds(1)).isEmpty)
        #expect(machine.nextDeadline == nil)
    }

    @Test func reattachedCallerIsNotReleasedAgainButStillTimesOut() {
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        _ = send(&machine, 1, "BLPOP q 10", at: t0)
        #expect(tick(&machine, at: t0 + .milliseconds(5)) == [.release(1)])
        #expect(reattach(&machine, 1, as: 11).isEmpty)
        #expect(tick(&machine, at: t0 + .seconds(1)).isEmpty)
        #expect(tick(&machine, at: t0 + .seconds(2)) == [
            .complete(11, .failure(RedisError(.timeout, "no reply from Redis within 2.0 seconds")))])
        #expect(reply(&machine, .null).isEmpty, "the late reply goes nowhere")
    }

    @Test func resultArrivingBeforeTheReattachmentIsParkedForIt() {
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        _ = send(&machine, 1, "GET a", at: t0)
        _ = send(&machine, 2, "GET b", at: t0 + .milliseconds(1))
        #expect(tick(&machine, at: t0 + .milliseconds(6)) == [.release(1), .release(2)])
        #expect(reply(&machine, .bulkString([97])).isEmpty)
        // A timeout while released is parked the same way.
        #expect(tick(&machine, at: t0 + .seconds(3)).isEmpty)
        #expect(reattach(&machine, 2, as: 12) == [
            .complete(12, .failure(RedisError(.timeout, "no reply from Redis within 2.0 seconds")))])
        #expect(reattach(&machine, 1, as: 11) == [.complete(11, .success(.bulkString([97])))])
        #expect(machine.parked.isEmpty)
        #expect(reply(&machine, .bulkString([98])).isEmpty)
    }

    @Test func cancellationBeforeOrAfterTheReattachmentAnswersCancelled() {
        let cancelled = RedisError(.cancelled, "the command was cancelled")
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        for id in 1...3 { _ = send(&machine, id, "GET k", at: t0) }
        #expect(tick(&machine, at: t0 + .milliseconds(5)) == [.release(1), .release(2), .release(3)])
        // 1: cancelled, then reattached; 2: reattached, then cancelled; 3: replied, cancelled, reattached.
        #expect(cancel(&machine, 1).isEmpty)
        #expect(reattach(&machine, 1, as: 11) == [.complete(11, .failure(cancelled))])
        #expect(reattach(&machine, 2, as: 12).isEmpty)
        #expect(cancel(&machine, 2) == [.complete(12, .failure(cancelled))])
        #expect(reply(&machine, .integer(1)).isEmpty)
        #expect(reply(&machine, .integer(2)).isEmpty)
        #expect(reply(&machine, .integer(3)).isEmpty)
        #expect(cancel(&machine, 3).isEmpty)
        #expect(reattach(&machine, 3, as: 13) == [.complete(13, .failure(cancelled))])
        #expect(machine.parked.isEmpty && machine.pendingCount == 0)
        #expect(machine.isReady)
    }

    @Test func lostConnectionAndShutdownReachReleasedCallers() {
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        _ = send(&machine, 1, "GET a", at: t0)
        _ = send(&machine, 2, "GET b", at: t0 + .milliseconds(10))
        #expect(tick(&machine, at: t0 + .milliseconds(6)) == [.release(1)])
        let lost = RedisError(.connectionLost, "gone")
        var actions: [Machine.Action] = []
        machine.connectionClosed(lost, now: t0 + .milliseconds(7), into: &actions)
        #expect(actions == [.complete(2, .failure(lost)), .closeSocket, .disconnected(lost)])
        #expect(reattach(&machine, 1, as: 11) == [.complete(11, .failure(lost))])

        var other = readyMachine(releaseDelay: .milliseconds(5))
        _ = send(&other, 1, "GET a", at: t0)
        #expect(tick(&other, at: t0 + .milliseconds(5)) == [.release(1)])
        actions = []
        other.shutdown(into: &actions)
        #expect(actions.isEmpty)
        #expect(reattach(&other, 1, as: 11) == [
            .complete(11, .failure(RedisError(.shutdown, "the Redis client was shut down")))])
    }

    /// Released callers are found by id, not by scanning, so their positions must follow the
    /// queue as answered entries leave its front.
    @Test func releasedCallersAreFoundAfterTheQueueMoves() {
        var machine = readyMachine(releaseDelay: .milliseconds(5))
        for id in 1...3 { _ = send(&machine, id, "GET k", at: t0) }
        #expect(tick(&machine, at: t0 + .milliseconds(5)) == [.release(1), .release(2), .release(3)])
        #expect(reattach(&machine, 1, as: 11).isEmpty)
        #expect(reply(&machine, .integer(1)) == [.complete(11, .success(.integer(1)))])
        #expect(reply(&machine, .integer(2)).isEmpty)
        #expect(reply(&machine, .integer(3)).isEmpty)
        #expect(machine.pendingCount == 0 && machine.released.isEmpty && machine.parked.count == 2)
        // The queue was emptied (compacted); new entries start at index 0 again.
        for id in 4...5 { _ = send(&machine, id, "GET k", at: t0 + .milliseconds(10)) }
        #expect(tick(&machine, at: t0 + .milliseconds(15)) == [.release(4), .release(5)])
        #expect(reply(&machine, .integer(4)).isEmpty)
        #expect(reattach(&machine, 5, as: 15).isEmpty)
        #expect(reattach(&machine, 4, as: 14) == [.complete(14, .success(.integer(4)))])
        #expect(reply(&machine, .integer(5)) == [.complete(15, .success(.integer(5)))])
        #expect(reattach(&machine, 2, as: 12) == [.complete(12, .success(.integer(2)))])
        #expect(reattach(&machine, 3, as: 13) == [.complete(13, .success(.integer(3)))])
        #expect(machine.parked.isEmpty && machine.released.isEmpty)
    }

    @Test func handshakeCommandsAreNeverReleased() {
        var machine = machine(handshake: [RedisHandshakeCommand(parts: ["AUTH", "pw"], isAuthentication: true)],
                              releaseDelay: .milliseconds(5))
        var actions: [Machine.Action] = []
        machine.start(now: t0, into: &actions)
        _ = send(&machine, 1, "PING", at: t0)
        machine.connected(now: t0, into: &actions)
        #expect(tick(&machine, at: t0 + .milliseconds(5)) == [.release(1)])
        #expect(reply(&machine, .status("OK")) == [.ready(downtime: nil)])
        #expect(reattach(&machine, 1, as: 11).isEmpty)
        #expect(reply(&machine, .status("PONG")) == [.complete(11, .success(.status("PONG")))])
    }
}
