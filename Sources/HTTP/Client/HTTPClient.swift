import Foundation

/// An HTTP/1.1 client on the project's event loops: keep-alive pools per origin (capped), connect,
/// request and idle timeouts, DNS off the loops, TLS through a `ClientTLSProvider`, and retries only
/// where the `RetryPolicy` says they are safe.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let loops: EventLoopGroup
    let pool: ConnectionPool

    public init(loops: EventLoopGroup, configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.loops = loops
        self.configuration = configuration
        self.pool = ConnectionPool(maxPerOrigin: configuration.maxConnectionsPerOrigin)
    }

    /// Sends `request` to `origin` and returns the final response, retrying per the policy; never
    /// runs past `deadline`. A response with any status is a response (not an error).
    public func execute(_ request: HTTPClientRequest, to origin: HTTPOrigin,
                        deadline: ContinuousClock.Instant? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        let bytes = try request.encoded(for: origin)
        var attempt = 0
        while true {
            attempt += 1
            let result = await attemptOnce(bytes, request: request, origin: origin, deadline: deadline)
            let outcome: RetryPolicy.Outcome
            switch result {
            case .response(let response): outcome = .response(status: response.status, retryAfter: response.header("retry-after"))
            case .failure(let error, let sent): outcome = .failure(error, requestSent: sent)
            }
            let decision = configuration.retry.decide(attempt: attempt, outcome: outcome, idempotent: request.idempotent,
                                                      now: .now, deadline: deadline, wallClock: Date())
            if case .retry(let wait) = decision, !pool.isShutDown, (try? await Task.sleep(for: wait)) != nil {
                continue
            }
            switch result {
            case .response(let response):
                return HTTPClientResponse(status: response.status, headers: response.headers, body: response.body, attempts: attempt)
            case .failure(let error, _):
                throw error
            }
        }
    }

    /// Closes idle connections and fails queued requests with `.shutdown`; later calls fail the same
    /// way. Requests in flight finish, and their connections close instead of returning to the pool.
    /// The loops belong to the caller and keep running.
    public func shutdown() async {
        for connection in pool.shutdown() {
            await connection.loop.submit { connection.close() }
        }
    }

    /// One try: a pooled or new connection, one exchange, bounded by the request timeout and the deadline.
    private func attemptOnce(_ bytes: [UInt8], request: HTTPClientRequest, origin: HTTPOrigin,
                             deadline: ContinuousClock.Instant?) async -> ClientConnection.ExchangeResult {
        let start = ContinuousClock.now
        var timeout = configuration.requestTimeout
        var timeoutError = HTTPClientError.requestTimeout
        if let deadline {
            let left = deadline - start
            guard left > .zero else { return .failure(.deadlineExceeded, requestSent: false) }
            if left <= timeout {
                timeout = left
                timeoutError = .deadlineExceeded
            }
        }
        if origin.isTLS && configuration.tls == nil { return .failure(.tlsUnavailable, requestSent: false) }
        let end = start + timeout
        let connection: ClientConnection
        switch await pool.acquire(origin, timeout: timeout, timeoutError: timeoutError, timerLoop: loops.next()) {
        case .failed(let error):
            return .failure(error, requestSent: false)
        case .reuse(let pooled):
            connection = pooled
        case .create:
            switch await connect(origin, until: end, timeoutError: timeoutError) {
            case .success(let opened): connection = opened
            case .failure(let error):
                pool.release(nil, origin: origin, reusable: false)
                return .failure(error, requestSent: false)
            }
        }
        let left = end - .now
        let isHead = request.method.uppercased() == "HEAD"
        let closeAfter = request.asksClose
        let pool = self.pool
        let exchangeTimeoutError = timeoutError
        return await withCheckedContinuation { (continuation: CheckedContinuation<ClientConnection.ExchangeResult, Never>) in
            connection.loop.execute {
                connection.exchange(bytes, isHead: isHead, closeAfter: closeAfter, timeout: max(left, .zero),
                                    timeoutError: exchangeTimeoutError) { result in
                    // On the loop, before the caller resumes: the next waiter can take it at once.
                    let reusable = connection.phase == .idle
                    if !pool.release(connection, origin: origin, reusable: reusable) && reusable { connection.close() }
                    continuation.resume(returning: result)
                }
            }
        }
    }

    /// DNS (off the loops), then TCP connect and the stream layer's handshake on a loop.
    private func connect(_ origin: HTTPOrigin, until end: ContinuousClock.Instant,
                         timeoutError: HTTPClientError) async -> Result<ClientConnection, HTTPClientError> {
        let loop = loops.next()
        let left = end - .now
        let (timeout, error) = configuration.connectTimeout < left
            ? (configuration.connectTimeout, HTTPClientError.connectTimeout) : (max(left, .zero), timeoutError)
        let connectEnd = ContinuousClock.now + timeout
        let addresses: [ResolvedAddress]
        switch await AddressResolver.resolve(host: origin.host, port: origin.port, timeout: timeout, timeoutError: error, on: loop) {
        case .success(let resolved): addresses = resolved
        case .failure(let failure): return .failure(failure)
        }
        let remaining = max(connectEnd - .now, .zero)
        let tls = configuration.tls
        let limits = configuration.limits
        let idleTimeout = configuration.idleTimeout
        let pool = self.pool
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<ClientConnection, HTTPClientError>, Never>) in
            loop.execute {
                let layer: any ClientStreamLayer
                if origin.isTLS {
                    guard let tls else { return continuation.resume(returning: .failure(.tlsUnavailable)) }
                    do throws(ClientLayerError) {
                        layer = try tls.makeLayer(hostName: origin.host)
                    } catch {
                        return continuation.resume(returning: .failure(.tls(error.message)))
                    }
                } else {
                    layer = PlainStreamLayer()
                }
                let connection = ClientConnection(loop: loop, origin: origin, layer: layer, limits: limits, idleTimeout: idleTimeout)
                connection.leaveIdlePool = { [unowned connection] in pool.removeIdle(connection, origin: origin) }
                connection.connect(to: addresses, timeout: remaining, timeoutError: error) { result in
                    continuation.resume(returning: result.map { connection })
                }
            }
        }
    }

    /// Connections open to `origin` now (busy, idle or connecting).
    public func openConnections(to origin: HTTPOrigin) -> Int { pool.openCount(origin) }
}
