import Coordination
import Foundation
import HTTP
import Logging

/// The one path every call to a provider takes: the adapter checks the payload (400 naming the
/// field, nothing reserved), the idempotency key is claimed (a retry gets the first result), the
/// service's circuit breaker admits it (503 while open, nothing reserved), the rate limits and the
/// budget reserve it in one atomic step (429 naming the tier or level), the adapter's request goes to
/// the provider through the node's HTTP client, the breaker learns the outcome, and the actual cost
/// is settled with the call's record (ledger outbox -> `cost_events` and `upstream_calls`).
struct ProtectedCall: Sendable {
    let endpoints: [String: ProviderEndpoint]
    let catalog: ServiceCatalog
    let limits: RateLimitStore
    let budgets: BudgetStore
    let results: CallResultStore
    let health: HealthServices
    let upstream: UpstreamClientSlot
    let alerts: RateLimitAlerts
    let metrics: MetricsRegistry
    let nodeID: String
    let reservationLifetimeMs: Int64
    /// The whole upstream call, retries included.
    let timeout: Duration

    static let requests = "coordinator_upstream_requests_total"
    static let latency = "coordinator_upstream_latency_seconds"
    static let settleFailures = "coordinator_call_settle_failures_total"
    static let replays = "coordinator_call_replays_total"

    /// What the caller gets back: the JSON bytes of the answer and whether they are a replay.
    struct Answer: Sendable {
        var body: [UInt8]
        var replayed: Bool
    }

    func call(_ request: CallRequest, requestID: String) async throws -> Answer {
        guard let definition = catalog[request.service], let endpoint = endpoints[request.service] else {
            throw BudgetFeature.unknownService(request.service, catalog, field: "service")
        }
        let item: PreparedItem
        do {
            item = try endpoint.adapter.prepare(operation: request.operation, payload: request.payload,
                                                idempotencyKey: request.idempotencyKey)
        } catch {
            throw HTTPError.badRequest(error.message, code: "invalid_payload", field: error.field)
        }
        let credential: ProviderCredential
        switch endpoint.credential {
        case .success(let value): credential = value
        case .failure(let problem):
            throw HTTPError(status: 503, code: "provider_not_configured",
                            message: "\(request.service) cannot be called from this node: \(problem.message)",
                            headers: ["Retry-After": "60"])
        }
        guard let origin = endpoint.origin else {
            throw HTTPError(status: 503, code: "provider_not_configured",
                            message: "\(request.service) has no base URL on this node (COORD_UPSTREAM_\(request.service.uppercased())).",
                            headers: ["Retry-After": "60"])
        }
        guard let client = upstream.client else {
            throw HTTPError.unavailable("The node's upstream client is not running.", retryAfterSeconds: 1)
        }
        let plans = endpoint.adapter.plan([item], credential: credential)

        // A retry with the key gets the first call's answer; one running elsewhere is not doubled.
        if let key = request.idempotencyKey {
            let leaseMs = timeout.millisecondsRoundedUp + 5_000
            switch try await results.claim(service: request.service, key: key, requestID: requestID, leaseMs: leaseMs) {
            case .claimed: break
            case .done(let stored):
                metrics.increment(Self.replays, [("service", request.service)])
                return Answer(body: stored, replayed: true)
            case .inFlight(let other):
                throw HTTPError(status: 409, code: "call_in_progress",
                                message: "A call with this idempotencyKey is in progress (request \(other)); retry shortly.",
                                headers: ["Retry-After": "1"])
            }
        }
        do {
            let answer = try await admitAndCall(request, definition: definition, item: item, plans: plans, origin: origin,
                                                client: client, requestID: requestID)
            if let key = request.idempotencyKey {
                // Kept for 24 h: a retry answers this without calling again. A failure here only
                // loses the replay (the key's lease runs out), never the call's cost.
                try? await results.complete(service: request.service, key: key, result: answer.body)
            }
            return answer
        } catch {
            // Refused or not sent: the key is free for the caller's retry.
            if let key = request.idempotencyKey {
                try? await results.release(service: request.service, key: key, requestID: requestID)
            }
            throw error
        }
    }

    private func admitAndCall(_ request: CallRequest, definition: ServiceDefinition, item: PreparedItem,
                              plans: [PlannedRequest], origin: HTTPOrigin, client: HTTPClient,
                              requestID: String) async throws -> Answer {
        let service = request.service
        let policy = health.policy(for: service)
        let admission = try await health.breakers.admit(service: service, policy: policy)
        if let to = admission.transition { await health.publishTransition(service: service, from: .open, to: to, reason: "wait_elapsed") }
        guard admission.allowed else {
            metrics.increment(Self.requests, [("service", service), ("operation", request.operation), ("outcome", "circuit_open")])
            throw HTTPError(status: 503, code: "circuit_open",
                            message: "\(service) is failing; calls are stopped until its circuit breaker lets a trial through.",
                            headers: ["Retry-After": String(Self.seconds(admission.retryAfterMs))],
                            details: ["circuit": admission.state.rawValue])
        }

        // Rate limits (one unit per provider request) and the budget, in one atomic step.
        let estimate = request.costMicros
            ?? definition.estimatedCostMicros(operation: request.operation, requests: plans.count, units: item.units)
        let reservationID = UUID().uuidString.lowercased()
        let budget = BudgetRequest(costMicros: estimate, priority: request.priority, reservationID: reservationID,
                                   lifetimeMs: reservationLifetimeMs, defaultDailyLimitMicros: definition.dailyLimitMicros,
                                   defaultMonthlyBudgetMicros: definition.monthlyBudgetMicros)
        let decision = try await limits.decide(RateLimitPolicy(definition), units: max(1, plans.count), consume: true, budget: budget)
        await alerts.publish(decision, service: service)
        guard decision.allowed else {
            // A half-open trial refused here keeps its slot until the slot's lease runs out.
            throw Self.refusal(decision, service: service)
        }
        let reserved = decision.budget?.reservationID

        // The call: each planned request in turn (one for a single item).
        let started = ContinuousClock.now
        let deadline = started.advanced(by: timeout)
        var itemResult: ItemResult?
        var lastStatus = 0
        var attempts = 0
        for plan in plans {
            let outbound = HTTPClientRequest(method: plan.request.method, target: plan.request.target,
                                             headers: plan.request.headers.map { ($0.name, $0.value) },
                                             body: plan.request.body, idempotent: plan.request.idempotent)
            let response: HTTPClientResponse
            do {
                response = try await client.execute(outbound, to: origin, deadline: deadline)
            } catch {
                let latencyMs = Self.milliseconds(since: started)
                let transition = try? await health.breakers.record(service: service, policy: policy,
                                                                   outcome: .failure(latencyMs: latencyMs, error: error.description),
                                                                   admission: admission)
                await publish(transition, service: service, trial: admission.trial, reason: "transport_error")
                let timedOut = error == .requestTimeout || error == .deadlineExceeded
                // Sent but unanswered, the provider may have done (and billed) the work: the budget
                // counts the estimate (never under-counts spend); never sent, nothing is charged.
                let unknown = Self.mayHaveReachedProvider(error)
                observe(service: service, operation: request.operation, outcome: timedOut ? "timeout" : "transport_error", latencyMs: latencyMs)
                await settle(request, definition: definition, cost: unknown ? estimate : 0, units: item.units, reservationID: reserved,
                             requestID: requestID,
                             record: CallRecord(status: 0, outcome: unknown ? "unknown" : "transport_error", latencyMs: latencyMs, items: 1,
                                                attempts: max(1, attempts), error: error.description))
                if timedOut {
                    throw HTTPError(status: 504, code: "upstream_timeout",
                                    message: "\(service) did not answer within \(timeout.wholeMilliseconds) ms; it may have done the work, so the estimated cost is counted.",
                                    headers: ["Retry-After": "1"])
                }
                throw HTTPError(status: 503, code: "upstream_unavailable",
                                message: "\(service) could not be reached: \(error.description)", headers: ["Retry-After": "1"])
            }
            attempts += response.attempts
            lastStatus = response.status
            let split = endpoint(service).adapter.results(
                of: plan, items: [item],
                response: UpstreamResponse(status: response.status,
                                           headers: response.headers.map { UpstreamHeader(name: $0.name, value: $0.value) },
                                           body: response.body))
            if let first = split.first { itemResult = first }
        }
        let latencyMs = Self.milliseconds(since: started)
        let result = itemResult ?? ItemResult(status: lastStatus, body: .null,
                                              error: ItemError(code: "no_result", message: "The provider's answer named no result for this item."))

        // The provider's health: its own failures (5xx, 429) count; a refused item (4xx) does not.
        let providerFailed = lastStatus >= 500 || lastStatus == 429
        let outcome: CallOutcome = providerFailed
            ? .failure(latencyMs: latencyMs, error: result.error?.message ?? "HTTP \(lastStatus)")
            : .success(latencyMs: latencyMs)
        let transition = try? await health.breakers.record(service: service, policy: policy, outcome: outcome, admission: admission)
        await publish(transition, service: service, trial: admission.trial, reason: providerFailed ? "provider_errors" : "trial_succeeded")

        // The actual cost: what the provider accepted (the catalog's model, or the caller's price).
        let accepted = (200..<300).contains(lastStatus)
        let actual: Int64 = accepted
            ? (request.costMicros.map { result.succeeded ? $0 : 0 }
               ?? definition.estimatedCostMicros(operation: request.operation, requests: plans.count,
                                                 units: result.succeeded ? item.units : 0))
            : 0
        let recordOutcome = result.succeeded ? "succeeded" : (providerFailed ? "upstream_error" : "item_error")
        observe(service: service, operation: request.operation, outcome: recordOutcome, latencyMs: latencyMs)
        await settle(request, definition: definition, cost: actual, units: item.units, reservationID: reserved, requestID: requestID,
                     record: CallRecord(status: result.status, outcome: recordOutcome, latencyMs: latencyMs, items: 1,
                                        attempts: attempts, error: result.error.map { "\($0.code): \($0.message)" }))
        let body = CallJSON.encode(service: service, operation: request.operation, result: result, costMicros: actual,
                                   latencyMs: latencyMs, attempts: attempts, requestID: requestID)
        return Answer(body: body, replayed: false)
    }

    private func endpoint(_ service: String) -> ProviderEndpoint { endpoints[service]! }

    /// Whether the request may have reached the provider before the failure: a timeout, a connection
    /// lost mid-exchange or an unreadable answer may follow a request the provider executed; a failed
    /// DNS lookup, connect or handshake never sent it.
    static func mayHaveReachedProvider(_ error: HTTPClientError) -> Bool {
        switch error {
        case .requestTimeout, .deadlineExceeded, .connectionClosed, .malformedResponse, .responseTooLarge: true
        case .invalidURL, .dns, .connectFailed, .connectTimeout, .tls, .tlsUnavailable, .shutdown: false
        }
    }

    /// Settles the reservation to the actual cost with the call's record. Redis blinking is retried
    /// briefly; if it stays away the reservation expires (released unsettled) and the failure is
    /// counted, but the caller still gets the provider's answer: the call did happen.
    private func settle(_ request: CallRequest, definition: ServiceDefinition, cost: Int64, units: Int,
                        reservationID: String?, requestID: String, record: CallRecord) async {
        let settlement = Settlement(service: request.service, operation: request.operation, costMicros: cost, units: units,
                                    reservationID: reservationID, eventID: UUID().uuidString.lowercased(), requestID: requestID,
                                    nodeID: nodeID, defaultDailyLimitMicros: definition.dailyLimitMicros,
                                    defaultMonthlyBudgetMicros: definition.monthlyBudgetMicros, call: record)
        for delayMs in [0, 100, 300, 600] {
            if delayMs > 0 { try? await Task.sleep(for: .milliseconds(delayMs)) }
            if (try? await budgets.settle(settlement)) != nil { return }
        }
        metrics.increment(Self.settleFailures, [("service", request.service)])
    }

    private func publish(_ transition: CircuitState??, service: String, trial: Bool, reason: String) async {
        guard let transition = transition ?? nil else { return }
        let from: CircuitState = transition == .closed || trial ? .halfOpen : .closed
        await health.publishTransition(service: service, from: from, to: transition, reason: reason)
    }

    private func observe(service: String, operation: String, outcome: String, latencyMs: Int) {
        metrics.increment(Self.requests, [("service", service), ("operation", operation), ("outcome", outcome)])
        metrics.observe(Self.latency, [("service", service)], Double(latencyMs) / 1000)
    }

    static func refusal(_ decision: RateLimitDecision, service: String) -> HTTPError {
        var headers: HTTPHeaders = [:]
        if let wait = decision.retryAfterMs { headers.add("Retry-After", String(seconds(wait))) }
        if let budget = decision.budget, let refusal = budget.refusal {
            let deniedBy = switch refusal {
            case .dailyLimit: "daily_budget"
            case .monthlyBudget: "monthly_budget"
            case .level: "level_" + budget.figures.level.name
            }
            return HTTPError(status: 429, code: "budget_exceeded",
                             message: "\(service)'s budget refused this call (\(deniedBy)).", headers: headers,
                             details: ["deniedBy": deniedBy])
        }
        let tier = decision.deniedBy ?? "rate_limit"
        return HTTPError(status: 429, code: "rate_limited", message: "\(service)'s \(tier) rate limit refused this call.",
                         headers: headers, details: ["deniedBy": tier])
    }

    /// Whole seconds, rounded up, at least 1 (a `Retry-After: 0` invites a busy loop).
    static func seconds(_ milliseconds: some BinaryInteger) -> Int { max(1, (Int(milliseconds) + 999) / 1000) }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).wholeMilliseconds)
    }
}
