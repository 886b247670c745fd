import GatewayModel
import Synchronization
import Telemetry

import struct Foundation.Date

/// Budgets and rate limits, exact on one node: every admitted request holds a reservation (its
/// worst-case cost and estimated tokens) until its trace is recorded, when the reservation is
/// replaced by the real cost and tokens. Concurrent requests can overshoot a budget by no more
/// than the reservations in flight, which by construction fit the budget.
///
/// Spend reaches the store's ledger in batches: ``beginFlush()`` hands out what was settled since
/// the last batch, ``endFlush(ledger:)`` takes the ledger's totals (every replica's spend) once the
/// batch is written. The spend a budget sees is the ledger's total as of the last flush plus
/// what this node settled since.
public final class Metering: Sendable {

    /// Why a request was refused.
    enum Refusal: Error {
        case budget(scope: String, budget: Budget, spent: Int64, resetsAt: Date?)
        case requests(scope: String, limit: Int, retryAfter: Double)
        case tokens(scope: String, limit: Int, needed: Int, retryAfter: Double)
    }

    /// The rate-limit headers of an admitted or refused request.
    struct Headroom {
        var limitRequests: Int?, remainingRequests = Int.max, resetRequests = 0.0
        var limitTokens: Int?, remainingTokens = Int.max, resetTokens = 0.0
    }

    fileprivate struct Hold {
        var budgets: [SpendKey]
        var amount: Int64
        var windows: [String]
        var tokens: Int
        var second: Int64
    }

    fileprivate struct State {
        /// The ledger's totals (all replicas) as of the last flush.
        var ledger: [SpendKey: Int64] = [:]
        /// Spend handed to a flush that has not completed.
        var flushing: [SpendKey: (microUSD: Int64, requests: Int64)] = [:]
        /// Spend settled since the last flush began.
        var unflushed: [SpendKey: (microUSD: Int64, requests: Int64)] = [:]
        var reserved: [SpendKey: Int64] = [:]
        var windows: [String: SlidingWindow] = [:]
        var holds: [TraceID: Hold] = [:]
        var lastSweep: Int64 = 0
        /// The current interval of each budget period: calendar arithmetic once per period, not per request.
        var periods: [Budget.Period: (start: Date, end: Date?)] = [:]
    }

    /// A reservation older than this is released unsettled: its request's trace was never
    /// recorded (an answer abandoned before its body started), so the budget must not stay held.
    static let abandonedAfterSeconds: Int64 = 3600

    private let state = Mutex(State())
    private let failures = Atomic<Int>(0)

    /// An empty ledger.
    public init() {}

    /// Admits a request with `worstCase` micro-USD and `tokens` estimated tokens against every
    /// budget and limit of `grant`, reserving both; or refuses it and reserves nothing.
    func admit(id: TraceID, grant: KeyGrant, worstCase: Int64, tokens: Int, now: Date) -> Result<Headroom, Refusal> {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            let keys = grant.budgets.map { scoped in
                let period = state.interval(of: scoped.budget.period, containing: now)
                return (scoped, SpendKey(scope: scoped.scope, periodStart: Int64(period.start.timeIntervalSince1970 * 1000)), period.end)
            }
            if second - state.lastSweep >= 60 { state.releaseAbandoned(at: second) }
            for (scoped, key, end) in keys {
                let used = state.spent(key).saturatingAdd(state.reserved[key, default: 0])
                if used >= scoped.budget.microUSD || used.saturatingAdd(worstCase) > scoped.budget.microUSD {
                    return .failure(.budget(scope: scoped.scope, budget: scoped.budget, spent: used, resetsAt: end))
                }
            }
            var headroom = Headroom()
            for scoped in grant.limits {
                let window = state.windows[scoped.scope, default: SlidingWindow()]
                let usage = window.usage(at: second)
                if let limit = scoped.limits.requestsPerMinute {
                    if usage.requests.saturatingAdd(1) > limit {
                        return .failure(.requests(scope: scoped.scope, limit: limit, retryAfter: window.secondsUntilRequestsFree(at: second, limit: limit)))
                    }
                    headroom.note(requests: limit, remaining: limit.saturatingSubtract(usage.requests).saturatingSubtract(1), reset: window.secondsUntilRequestsFree(at: second, limit: limit))
                }
                if let limit = scoped.limits.tokensPerMinute {
                    if usage.tokens.saturatingAdd(tokens) > limit {
                        return .failure(
                            .tokens(scope: scoped.scope, limit: limit, needed: tokens, retryAfter: window.secondsUntilTokensFree(at: second, room: tokens, limit: limit)))
                    }
                    headroom.note(tokens: limit, remaining: limit.saturatingSubtract(usage.tokens).saturatingSubtract(tokens), reset: window.secondsUntilTokensFree(at: second, room: 1, limit: limit))
                }
            }
            for (_, key, _) in keys { state.reserved[key, default: 0] = state.reserved[key, default: 0].saturatingAdd(worstCase) }
            for scoped in grant.limits { state.windows[scoped.scope, default: SlidingWindow()].add(requests: 1, tokens: tokens, at: second) }
            if !keys.isEmpty || !grant.limits.isEmpty {
                state.holds[id] = Hold(budgets: keys.map(\.1), amount: worstCase, windows: grant.limits.map(\.scope), tokens: tokens, second: second)
            }
            return .success(headroom)
        }
    }

    /// Replaces the reservation of request `id` with its real cost and tokens (zero for a
    /// request that failed before the provider answered).
    func settle(id: TraceID, cost: Int64, tokens: Int) {
        state.withLock { state in
            guard let hold = state.holds.removeValue(forKey: id) else { return }
            for key in hold.budgets {
                state.release(hold.amount, from: key)
                let pending = state.unflushed[key] ?? (0, 0)
                state.unflushed[key] = (pending.microUSD.saturatingAdd(max(0, cost)), pending.requests.saturatingAdd(1))
            }
            for scope in hold.windows { state.windows[scope]?.add(requests: 0, tokens: tokens.saturatingSubtract(hold.tokens), at: hold.second) }
        }
    }

    /// Forgets the settled spend of `key`, as the ledger did when an operator reset it: the very
    /// next request sees the reset instead of waiting for the next ledger exchange.
    public func reset(_ key: SpendKey) {
        state.withLock { state in
            state.ledger[key] = nil
            state.flushing[key] = nil
            state.unflushed[key] = nil
        }
    }

    /// Spend of `key`: settled (ledger plus this node's unflushed) and reserved by requests in flight.
    public func spend(_ key: SpendKey) -> (settled: Int64, reserved: Int64) {
        state.withLock { ($0.spent(key), $0.reserved[key, default: 0]) }
    }

    /// Where each of `caps` stands at `now`: spend in its budget's current period, reservations in
    /// flight, and this process's use of its sliding rate-limit minute.
    public func standings(of caps: [ScopeCaps], now: Date) -> [CapStanding] {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            caps.map { scope in
                var spent: Int64 = 0
                var reserved: Int64 = 0
                if let budget = scope.budget {
                    let key = SpendKey(scope: scope.name, periodStart: Int64(state.interval(of: budget.period, containing: now).start.timeIntervalSince1970 * 1000))
                    (spent, reserved) = (state.spent(key), state.reserved[key, default: 0])
                }
                let window = state.windows[scope.name]?.usage(at: second) ?? (requests: 0, tokens: 0)
                return CapStanding(caps: scope, spentMicroUSD: spent, reservedMicroUSD: reserved, requestsInWindow: window.requests, tokensInWindow: window.tokens)
            }
        }
    }

    /// Reservations in flight.
    public var holds: Int { state.withLock { $0.holds.count } }

    /// Micro-USD settled here but not yet in the ledger: what a crash now would lose.
    public var unflushedMicroUSD: Int64 {
        state.withLock { state in (state.unflushed.values.map(\.microUSD) + state.flushing.values.map(\.microUSD)).reduce(0) { $0.saturatingAdd($1) } }
    }

    /// Flushes that failed since start.
    public var flushFailures: Int { failures.load(ordering: .relaxed) }

    func countFlushFailure() { failures.add(1, ordering: .relaxed) }

    /// Starts a flush: the spend settled since the last one, to add to the ledger.
    public func beginFlush() -> [SpendDelta] {
        state.withLock { state in
            for (key, value) in state.unflushed {
                let pending = state.flushing[key] ?? (0, 0)
                state.flushing[key] = (pending.microUSD.saturatingAdd(value.microUSD), pending.requests.saturatingAdd(value.requests))
            }
            state.unflushed = [:]
            return state.flushing.map { SpendDelta(key: $0.key, microUSD: $0.value.microUSD, requests: $0.value.requests) }
        }
    }

    /// Ends a flush. With the ledger's totals (read after the batch was written) they replace
    /// the known spend; with nil (the write failed) the batch is kept for the next flush.
    public func endFlush(ledger: [SpendKey: Int64]?) {
        state.withLock { state in
            guard let ledger else { return }
            state.ledger = ledger
            state.flushing = [:]
        }
    }
}

extension Metering.State {
    fileprivate mutating func releaseAbandoned(at second: Int64) {
        lastSweep = second
        for (id, hold) in holds where hold.second < second - Metering.abandonedAfterSeconds {
            holds[id] = nil
            for key in hold.budgets { release(hold.amount, from: key) }
        }
    }

    fileprivate mutating func interval(of period: Budget.Period, containing now: Date) -> (start: Date, end: Date?) {
        if let known = periods[period], known.start <= now, known.end.map({ now < $0 }) ?? true { return known }
        let current = period.interval(containing: now)
        periods[period] = current
        return current
    }

    fileprivate func spent(_ key: SpendKey) -> Int64 {
        ledger[key, default: 0].saturatingAdd(flushing[key]?.microUSD ?? 0).saturatingAdd(unflushed[key]?.microUSD ?? 0)
    }

    /// Gives back a reservation; a sum that saturated cannot go below zero.
    fileprivate mutating func release(_ amount: Int64, from key: SpendKey) {
        let left = max(0, reserved[key, default: 0].saturatingSubtract(amount))
        reserved[key] = left == 0 ? nil : left
    }
}

extension Metering.Headroom {
    /// Keeps the tightest request limit across scopes.
    mutating func note(requests limit: Int, remaining: Int, reset: Double) {
        guard remaining < remainingRequests else { return }
        (limitRequests, remainingRequests, resetRequests) = (limit, max(0, remaining), reset)
    }

    /// Keeps the tightest token limit across scopes.
    mutating func note(tokens limit: Int, remaining: Int, reset: Double) {
        guard remaining < remainingTokens else { return }
        (limitTokens, remainingTokens, resetTokens) = (limit, max(0, remaining), reset)
    }
}
