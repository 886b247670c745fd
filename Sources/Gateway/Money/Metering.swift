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

    /// What an admitted request holds until it settles: against its grant's budgets and limits
    /// (the snapshot's shared grant, not a copy per request), in the periods containing `admitted`.
    fileprivate struct Hold {
        var grant: KeyGrant
        var admitted: Date
        var second: Int64
        var amount: Int64
        var tokens: Int
    }

    fileprivate struct State {
        var accounts: [SpendKey: SpendAccount] = [:]
        var windows: [String: SlidingWindow] = [:]
        var holds: [TraceID: Hold] = [:]
        var lastSweep: Int64 = 0
        /// The current interval of each budget period (by ``Budget/Period/slot``): calendar
        /// arithmetic once per period, not per request.
        var periods = [(start: Date, end: Date?)?](repeating: nil, count: 4)
    }

    /// A reservation older than this is released unsettled: its request's trace was never
    /// recorded (an answer abandoned before its body started), so the budget must not stay held.
    static let abandonedAfterSeconds: Int64 = 3600

    private let state = Mutex(State())
    private let failures = Atomic<Int>(0)

    /// An empty ledger.
    public init() {}

    /// Admits a request with `worstCase` micro-USD and `tokens` estimated tokens against every
    /// budget and limit of `grant`, reserving both; or refuses it and reserves nothing. A negative
    /// worst case (pricing never makes one) reserves nothing rather than freeing others' room.
    func admit(id: TraceID, grant: KeyGrant, worstCase drawn: Int64, tokens: Int, now: Date) -> Result<Headroom, Refusal> {
        let worstCase = max(0, drawn)
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            if second - state.lastSweep >= 60 { state.releaseAbandoned(at: second) }
            for scoped in grant.budgets {
                let (key, end) = state.key(of: scoped, at: now)
                let account = state.accounts[key]
                let used = (account?.settled ?? 0).saturatingAdd(account?.reserved ?? 0)
                if used >= scoped.budget.microUSD || used.saturatingAdd(worstCase) > scoped.budget.microUSD {
                    return .failure(.budget(scope: scoped.scope, budget: scoped.budget, spent: used, resetsAt: end))
                }
            }
            var headroom = Headroom()
            for scoped in grant.limits {
                let window = state.window(scoped.scope)
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
            for scoped in grant.budgets {
                let key = state.key(of: scoped, at: now).key
                state.accounts[key, default: SpendAccount()].reserve(worstCase)
            }
            for scoped in grant.limits { state.window(scoped.scope).add(requests: 1, tokens: tokens, at: second) }
            if !grant.budgets.isEmpty || !grant.limits.isEmpty {
                state.holds[id] = Hold(grant: grant, admitted: now, second: second, amount: worstCase, tokens: tokens)
            }
            return .success(headroom)
        }
    }

    /// Replaces the reservation of request `id` with its real cost and tokens (zero for a
    /// request that failed before the provider answered).
    func settle(id: TraceID, cost: Int64, tokens: Int) {
        state.withLock { state in
            guard let hold = state.holds.removeValue(forKey: id) else { return }
            let spend = SpendAccount.Tally(microUSD: max(0, cost), requests: 1)
            for scoped in hold.grant.budgets {
                let key = state.key(of: scoped, at: hold.admitted).key
                // Read and written back rather than through the dictionary's modify accessor, whose
                // coroutine frames cost three mallocs here.
                var account = state.accounts[key] ?? SpendAccount()
                account.settle(reserved: hold.amount, spent: spend)
                state.accounts[key] = account
            }
            for scoped in hold.grant.limits { state.windows[scoped.scope]?.add(requests: 0, tokens: tokens.saturatingSubtract(hold.tokens), at: hold.second) }
        }
    }

    /// Forgets the settled spend of `key`, as the ledger did when an operator reset it: the very
    /// next request sees the reset instead of waiting for the next ledger exchange.
    public func reset(_ key: SpendKey) {
        state.withLock { state in
            guard let reserved = state.accounts[key]?.reserved else { return }
            state.accounts[key] = reserved == 0 ? nil : SpendAccount(reserved: reserved)
        }
    }

    /// Spend of `key`: settled (ledger plus this node's unflushed) and reserved by requests in flight.
    public func spend(_ key: SpendKey) -> (settled: Int64, reserved: Int64) {
        state.withLock { state in state.accounts[key].map { ($0.settled, $0.reserved) } ?? (0, 0) }
    }

    /// Where each of `caps` stands at `now`: spend in its budget's current period, reservations in
    /// flight, and this process's use of its sliding rate-limit minute.
    public func standings(of caps: [ScopeCaps], now: Date) -> [CapStanding] {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            caps.map { scope in
                var account = SpendAccount()
                if let budget = scope.budget {
                    account = state.accounts[state.key(of: ScopedBudget(scope: scope.name, budget: budget), at: now).key] ?? account
                }
                let window = state.windows[scope.name]?.usage(at: second) ?? (requests: 0, tokens: 0)
                return CapStanding(
                    caps: scope, spentMicroUSD: account.settled, reservedMicroUSD: account.reserved, requestsInWindow: window.requests, tokensInWindow: window.tokens)
            }
        }
    }

    /// Reservations in flight.
    public var holds: Int { state.withLock { $0.holds.count } }

    /// Micro-USD settled here but not yet in the ledger: what a crash now would lose.
    public var unflushedMicroUSD: Int64 {
        state.withLock { state in
            state.accounts.values.reduce(0) { $0.saturatingAdd($1.unflushed.microUSD).saturatingAdd($1.flushing.microUSD) }
        }
    }

    /// Flushes that failed since start.
    public var flushFailures: Int { failures.load(ordering: .relaxed) }

    func countFlushFailure() { failures.add(1, ordering: .relaxed) }

    /// Starts a flush: the spend settled since the last one, to add to the ledger.
    public func beginFlush() -> [SpendDelta] {
        state.withLock { state in
            state.accounts = state.accounts.mapValues { account in
                var account = account
                account.flushing.add(account.unflushed)
                account.unflushed = SpendAccount.Tally()
                return account
            }
            return state.accounts.compactMap { key, account in
                account.flushing.isZero ? nil : SpendDelta(key: key, microUSD: account.flushing.microUSD, requests: account.flushing.requests)
            }
        }
    }

    /// Ends a flush. With the ledger's totals (read after the batch was written) they replace
    /// the known spend; with nil (the write failed) the batch is kept for the next flush.
    public func endFlush(ledger: [SpendKey: Int64]?) {
        state.withLock { state in
            guard let ledger else { return }
            var accounts = ledger.mapValues { SpendAccount(ledger: $0) }
            for (key, account) in state.accounts where !account.unflushed.isZero || account.reserved != 0 {
                accounts[key, default: SpendAccount()].unflushed = account.unflushed
                accounts[key, default: SpendAccount()].reserved = account.reserved
            }
            state.accounts = accounts
        }
    }
}

extension Metering.State {
    /// The window of `scope`, made when it has none.
    fileprivate mutating func window(_ scope: String) -> SlidingWindow {
        if let window = windows[scope] { return window }
        let window = SlidingWindow()
        windows[scope] = window
        return window
    }

    fileprivate mutating func releaseAbandoned(at second: Int64) {
        lastSweep = second
        for (id, hold) in holds where hold.second < second - Metering.abandonedAfterSeconds {
            holds[id] = nil
            for scoped in hold.grant.budgets { accounts[key(of: scoped, at: hold.admitted).key]?.release(hold.amount) }
        }
    }

    /// The ledger key of `scoped`'s period containing `now`, and when that period ends.
    fileprivate mutating func key(of scoped: ScopedBudget, at now: Date) -> (key: SpendKey, end: Date?) {
        let period = scoped.budget.period
        let interval: (start: Date, end: Date?)
        if let known = periods[period.slot], known.start <= now, known.end.map({ now < $0 }) ?? true {
            interval = known
        } else {
            interval = period.interval(containing: now)
            periods[period.slot] = interval
        }
        return (SpendKey(scope: scoped.scope, periodStart: Int64(interval.start.timeIntervalSince1970 * 1000)), interval.end)
    }
}

extension Budget.Period {
    /// The period's place in ``Metering``'s interval cache.
    fileprivate var slot: Int {
        switch self {
        case .daily: 0
        case .weekly: 1
        case .monthly: 2
        case .total: 3
        }
    }
}

extension Metering.Headroom {
    /// Keeps the tightest request limit across scopes; `reset` is computed only for it.
    mutating func note(requests limit: Int, remaining: Int, reset: @autoclosure () -> Double) {
        guard remaining < remainingRequests else { return }
        (limitRequests, remainingRequests, resetRequests) = (limit, max(0, remaining), reset())
    }

    /// Keeps the tightest token limit across scopes; `reset` is computed only for it.
    mutating func note(tokens limit: Int, remaining: Int, reset: @autoclosure () -> Double) {
        guard remaining < remainingTokens else { return }
        (limitTokens, remainingTokens, resetTokens) = (limit, max(0, remaining), reset())
    }
}
