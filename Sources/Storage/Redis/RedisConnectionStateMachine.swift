/// The decisions of one Redis connection, free of I/O: events in (bytes parsed into replies, socket
/// connected or lost, time passed), actions out (connect, complete a waiter, close). The thin I/O
/// layer in `RedisConnection` performs the actions; tests drive it with sequences of events.
///
/// Lifecycle: idle -> connecting -> handshaking (AUTH, SELECT, resubscribe) -> ready -> (lost) ->
/// backingOff -> connecting ... and finally closed. Each waiter leaves the machine exactly once,
/// inside a `.complete` action, so a continuation can never be resumed twice or leaked.
struct RedisConnectionStateMachine<Waiter> {
    typealias Instant = ContinuousClock.Instant

    /// Where the connection is in its lifecycle; decides what an event means.
    enum State: Equatable {
        case idle
        case connecting(deadline: Instant)
        case handshaking(deadline: Instant)
        case ready
        case backingOff(until: Instant)
        case closed
    }

    /// What the I/O layer must do; the machine itself never touches a socket or a continuation.
    enum Action {
        /// Open a new socket; answer with `connected` or `connectFailed`.
        case connect
        /// Resume this waiter with this result (exactly once per waiter).
        case complete(Waiter, Result<RedisReply, RedisError>)
        /// Resume this waiter early, without a result: its command is slow, so its caller now
        /// installs a cancellation handler and comes back with `reattach` (see `release`).
        case release(Waiter)
        /// A pub/sub message that matches no command.
        case push(RedisReply)
        /// Close the socket and drop unsent bytes (the waiters were completed by other actions).
        case closeSocket
        /// Handshake done; `downtime` is how long commands could not run (nil on the first connect).
        case ready(downtime: Duration?)
        /// The connection is gone; observers may want to know (pub/sub gap begins).
        case disconnected(RedisError)
    }

    typealias HandshakeCommand = RedisHandshakeCommand

    /// The fixed inputs of one connection (from `RedisConfiguration`).
    struct Settings {
        var endpoint: String
        var connectTimeout: Duration
        var commandTimeout: Duration
        var backoff: RedisBackoff
        /// AUTH and SELECT: sent first on every (re)connect.
        var handshake: [HandshakeCommand]
        /// Pub/sub connections: `message`/`pmessage` arrays are pushes, not replies to commands.
        var isSubscriber = false

        /// No reply byte for this long while a command waits means the connection is dead (a
        /// NAT or firewall dropped it without a reset): a few command timeouts, so one slow
        /// command or a GC-like pause in Redis is not mistaken for it.
        var stallTimeout: Duration { commandTimeout * 3 }

        /// A caller still waiting after this long is released (see `release`): almost every
        /// command is answered sooner and so never pays for a cancellation handler, while a
        /// cancelled caller of a slow command still returns within about this time.
        var releaseDelay: Duration = .milliseconds(5)
    }

    /// A caller's request as handed over by the connection's inbox (its bytes travel separately).
    struct Submission {
        var id: UInt64
        var waiter: Waiter
        var replies: Int
        var collects: Bool
        /// An error reply answers the whole request even if more replies were expected.
        var errorEndsRequest = false
    }

    /// One request waiting for its replies, in wire order.
    struct Entry {
        var id: UInt64
        /// nil once the caller detached (timeout, cancel) or for handshake commands: reply is discarded.
        var waiter: Waiter?
        var remaining: Int
        /// Replies gathered so far when the caller asked for several (pipelines, transactions).
        var collected: [RedisReply]
        var collects: Bool
        var errorEndsRequest: Bool
        var deadline: Instant
        /// Index into `currentHandshake` for setup commands; nil for callers' requests.
        var handshake: Int32?
        /// Where the caller is: waiting on its first continuation, released (its result is
        /// parked until it reattaches) or reattached (never released twice).
        var attachment = Attachment.waiting
    }

    /// The stages of a caller of a slow command (see `release`).
    enum Attachment {
        case waiting
        case released
        case reattached
    }

    let settings: Settings
    var state: State = .idle
    /// Commands in the order their replies will arrive; `head` is the next to be answered.
    var pending: [Entry] = []
    var head = 0
    /// Index from which deadlines still need checking (entries before it expired or were detached).
    var timeoutCursor = 0
    /// Index from which callers may still need releasing (entries before it were released or left).
    var releaseCursor = 0
    /// Results of released callers that have not reattached yet, by request id.
    var parked: [UInt64: Result<RedisReply, RedisError>] = [:]
    /// Released callers still waiting for their reply, by request id: their position counted
    /// from the first entry ever queued (`removedCount` + index), so that a reattachment or a
    /// cancellation finds its entry at once even behind thousands of slow commands.
    var released: [UInt64: Int] = [:]
    /// Entries removed from the front of `pending` so far (see `released`).
    var removedCount = 0
    /// Bytes encoded but not yet handed to the socket.
    var outbound: [UInt8] = []
    var attempt = 0
    var lastError: RedisError?
    var lostAt: Instant?
    /// When the socket last delivered bytes (or the connection became ready): a reply that is
    /// arriving, however slowly, proves the connection alive.
    var lastBytesAt: Instant?
    var hasBeenReady = false
    /// The setup commands of the current connection attempt.
    var currentHandshake: [HandshakeCommand] = []
    /// The random source for jitter, injectable so tests are deterministic.
    var randomUnit: () -> Double = { Double.random(in: 0..<1) }

    init(settings: Settings) {
        self.settings = settings
    }

    var isReady: Bool { state == .ready }
    var isClosed: Bool { state == .closed }
    var pendingCount: Int { pending.count - head }

    /// The socket is connected (bytes can be written) in these states.
    var isSocketConnected: Bool {
        switch state {
        case .handshaking, .ready: true
        default: false
        }
    }

    mutating func start(now: Instant, into actions: inout [Action]) {
        guard state == .idle else { return }
        state = .connecting(deadline: now + settings.connectTimeout)
        actions.append(.connect)
    }
}

/// A command a connection sends on every (re)connect before user commands (AUTH, SELECT, SUBSCRIBE).
struct RedisHandshakeCommand: Equatable, Sendable {
    var parts: [String]
    /// SUBSCRIBE a b c answers with one confirmation per channel.
    var replies: Int = 1
    /// An error reply to it means wrong credentials rather than a broken setup.
    var isAuthentication = false
    /// An error reply aborts the connection attempt; when false it is skipped (a resubscription
    /// refused by an ACL must not keep the connection from coming up).
    var isFatal = true
}

extension RedisConnectionStateMachine.Action: Sendable where Waiter: Sendable {}
extension RedisConnectionStateMachine.Action: Equatable where Waiter: Equatable {}
extension RedisConnectionStateMachine.Submission: Sendable where Waiter: Sendable {}
