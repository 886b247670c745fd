import ControlPlane
import Synchronization
import Telemetry

import struct Foundation.Date

/// Budgets and rate limits on one node, exact: every admitted request holds a reservation (its
/// worst-case cost and estimated tokens) until its trace is recorded, when the reservation is
/// replaced by the real cost and tokens. Concurrent requests can overshoot a budget by no more
/// than the reservations in flight, which by construction fit the budget.
public final class Metering: Sendable {
    /// One budget period of one scope, e.g. `project/chatbot` in the month starting 2026-11-01.
    public struct PeriodKey: Hashable, Sendable {
        public let scope: String
        /// Start of the period, Unix milliseconds (0 for `total`).
        public let start: Int64
    }

    /// Spend recorded since the last flush, for the store's ledger.
    public struct Delta: Sendable, Equatable {
        public let key: PeriodKey
        public let microUSD: Int64
        public let requests: Int64
    }

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

    private struct Hold {
        var budgets: [PeriodKey]
        var amount: Int64
        var windows: [String]
        var tokens: Int
        var second: Int64
    }

    private struct State {
        /// Spend settled on this node (and restored from the ledger) per period.
        var spent: [PeriodKey: Int64] = [:]
        /// Spend the other replicas reported, per period (from the shared ledger).
        var others: [PeriodKey: Int64] = [:]
        var reserved: [PeriodKey: Int64] = [:]
        var unflushed: [PeriodKey: (microUSD: Int64, requests: Int64)] = [:]
        var windows: [String: SlidingWindow] = [:]
        var holds: [TraceID: Hold] = [:]
    }

    private let state = Mutex(State())

    /// An empty ledger.
    public init() {}

    /// Admits a request with `worstCase` micro-USD and `tokens` estimated tokens against every
    /// budget and limit of `grant`, reserving both; or refuses it and reserves nothing.
    func admit(id: TraceID, grant: KeyGrant, worstCase: Int64, tokens: Int, now: Date) -> Result<Headroom, Refusal> {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        let keys = grant.budgets.map { scoped in
            let period = scoped.budget.period.interval(containing: now)
            return (scoped, PeriodKey(scope: scoped.scope, start: Int64(period.start.timeIntervalSince1970 * 1000)), period.end)
        }
        return state.withLock { state in
            for (scoped, key, end) in keys {
                let used = state.spent[key, default: 0] + state.others[key, default: 0] + state.reserved[key, default: 0]
                if used >= scoped.budget.microUSD || used + worstCase > scoped.budget.microUSD {
                    return .failure(.budget(scope: scoped.scope, budget: scoped.budget, spent: used, resetsAt: end))
                }
            }
            var headroom = Headroom()
            for scoped in grant.limits {
                let window = state.windows[scoped.scope, default: SlidingWindow()]
                let usage = window.usage(at: second)
                if let limit = scoped.limits.requestsPerMinute {
                    if usage.requests + 1 > limit {
                        return .failure(.requests(scope: scoped.scope, limit: limit, retryAfter: window.secondsUntilRequestsFree(at: second, limit: limit)))
                    }
                    headroom.note(requests: limit, remaining: limit - usage.requests - 1, reset: window.secondsUntilRequestsFree(at: second, limit: limit))
                }
                if let limit = scoped.limits.tokensPerMinute {
                    if usage.tokens + tokens > limit {
                        return .failure(
                            .tokens(scope: scoped.scope, limit: limit, needed: tokens, retryAfter: window.secondsUntilTokensFree(at: second, room: tokens, limit: limit)))
                    }
                    headroom.note(tokens: limit, remaining: limit - usage.tokens - tokens, reset: window.secondsUntilTokensFree(at: second, room: 1, limit: limit))
                }
            }
            for (_, key, _) in keys { state.reserved[key, default: 0] += worstCase }
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
                state.reserved[key, default: 0] -= hold.amount
                if state.reserved[key] == 0 { state.reserved[key] = nil }
                state.spent[key, default: 0] += cost
                let pending = state.unflushed[key] ?? (0, 0)
                state.unflushed[key] = (pending.microUSD + cost, pending.requests + 1)
            }
            for scope in hold.windows { state.windows[scope]?.add(requests: 0, tokens: tokens - hold.tokens, at: hold.second) }
        }
    }

    /// Spend of `scope` in the period starting at `start` (this node, other replicas and reservations excluded).
    public func spent(_ key: PeriodKey) -> (settled: Int64, others: Int64, reserved: Int64) {
        state.withLock { ($0.spent[key, default: 0], $0.others[key, default: 0], $0.reserved[key, default: 0]) }
    }

    /// Reservations in flight.
    public var holds: Int { state.withLock { $0.holds.count } }

    /// Spend settled since the last call, for the ledger; the caller must write it or give it back with ``restore(unflushed:)``.
    public func takeUnflushed() -> [Delta] {
        state.withLock { state in
            defer { state.unflushed = [:] }
            return state.unflushed.map { Delta(key: $0.key, microUSD: $0.value.microUSD, requests: $0.value.requests) }
        }
    }

    /// Gives back deltas that could not be written, so the next flush retries them.
    public func restore(unflushed deltas: [Delta]) {
        state.withLock { state in
            for delta in deltas {
                let pending = state.unflushed[delta.key] ?? (0, 0)
                state.unflushed[delta.key] = (pending.microUSD + delta.microUSD, pending.requests + delta.requests)
            }
        }
    }

    /// Sets this node's settled spend from the ledger at start (after a restart).
    public func load(spent: [PeriodKey: Int64]) {
        state.withLock { state in for (key, value) in spent { state.spent[key, default: 0] += value } }
    }

    /// Sets what the shared ledger says everyone spent, so other replicas' spend counts here:
    /// `total` minus this node's own share (`mine`) is attributed to the others.
    public func merge(global: [PeriodKey: Int64], mine: [PeriodKey: Int64]) {
        state.withLock { state in
            for (key, total) in global { state.others[key] = max(0, total - mine[key, default: 0]) }
        }
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
