import GatewayModel
import Synchronization

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

    fileprivate struct State {
        var accounts: [SpendKey: SpendAccount] = [:]
        var windows: [String: SlidingWindow] = [:]
        var holds = Holds()
        /// The accounts and windows of the grants admitted since the last ledger exchange, by grant:
        /// one lookup per request instead of one per budget and limit.
        var grants: [ObjectIdentifier: GrantAccounts] = [:]
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
    /// budget and limit of `grant`, reserving both until the returned hold settles (nil when the
    /// grant has neither); or refuses it and reserves nothing. A negative worst case (pricing
    /// never makes one) reserves nothing rather than freeing others' room.
    func admit(grant: KeyGrant, worstCase drawn: Int64, tokens: Int, now: Date) -> Result<(headroom: Headroom, hold: Holds.Ticket?), Refusal> {
        let worstCase = max(0, drawn)
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        return state.withLock { state in
            if second - state.lastSweep >= 60 { state.releaseAbandoned(at: second) }
            let held = state.grantAccounts(grant, at: now)
            // By index (as in `GrantAccounts`): iterating the arrays would retain and release
            // each array and element once per request.
            for index in held.accounts.indices {
                let account = held.accounts[index], microUSD = grant.budgets[index].budget.microUSD
                let used = account.settled.saturatingAdd(account.reserved)
                if used >= microUSD || used.saturatingAdd(worstCase) > microUSD {
                    let scoped = grant.budgets[index]
                    return .failure(.budget(scope: scoped.scope, budget: scoped.budget, spent: used, resetsAt: held.ends[index]))
                }
            }
            var headroom = Headroom()
            for index in held.windows.indices {
                let window = held.windows[index], limits = grant.limits[index].limits
                let usage = window.usage(at: second)
                if let limit = limits.requestsPerMinute {
                    if usage.requests.saturatingAdd(1) > limit {
                        return .failure(.requests(scope: grant.limits[index].scope, limit: limit, retryAfter: window.secondsUntilRequestsFree(at: second, limit: limit)))
                    }
                    headroom.note(requests: limit, remaining: limit.saturatingSubtract(usage.requests).saturatingSubtract(1), reset: window.secondsUntilRequestsFree(at: second, limit: limit))
                }
                if let limit = limits.tokensPerMinute {
                    if usage.tokens.saturatingAdd(tokens) > limit {
                        return .failure(
                            .tokens(scope: grant.limits[index].scope, limit: limit, needed: tokens, retryAfter: window.secondsUntilTokensFree(at: second, room: tokens, limit: limit)))
                    }
                    headroom.note(tokens: limit, remaining: limit.saturatingSubtract(usage.tokens).saturatingSubtract(tokens), reset: window.secondsUntilTokensFree(at: second, room: 1, limit: limit))
                }
            }
            held.reserve(worstCase, tokens: tokens, at: second)
            guard !held.accounts.isEmpty || !held.windows.isEmpty else { return .success((headroom, nil)) }
            return .success((headroom, state.holds.insert(Hold(accounts: held, second: second, amount: worstCase, tokens: tokens))))
        }
    }

    /// Replaces the reservation of the hold `ticket` with its request's real cost and tokens
    /// (zero for a request that failed before the provider answered); nothing if the hold was
    /// settled or released already.
    func settle(_ ticket: Holds.Ticket, cost: Int64, tokens: Int) {
        state.withLock { state in
            guard let hold = state.holds.remove(ticket) else { return }
            hold.accounts.settle(reserved: hold.amount, spent: max(0, cost), tokens: tokens.saturatingSubtract(hold.tokens), at: hold.second)
        }
    }

    /// Forgets the settled spend of `key`, as the ledger did when an operator reset it: the very
    /// next request sees the reset instead of waiting for the next ledger exchange.
    public func reset(_ key: SpendKey) {
        state.withLock { state in
            guard let account = state.accounts[key] else { return }
            (account.ledger, account.flushing, account.unflushed) = (0, SpendAccount.Tally(), SpendAccount.Tally())
            if account.isIdle { state.drop(key) }
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
                var account: SpendAccount?
                if let budget = scope.budget {
                    account = state.accounts[state.key(of: ScopedBudget(scope: scope.name, budget: budget), at: now).key]
                }
                let window = state.windows[scope.name]?.usage(at: second) ?? (requests: 0, tokens: 0)
                return CapStanding(
                    caps: scope, spentMicroUSD: account?.settled ?? 0, reservedMicroUSD: account?.reserved ?? 0, requestsInWindow: window.requests, tokensInWindow: window.tokens)
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
            for account in state.accounts.values {
                account.flushing.add(account.unflushed)
                account.unflushed = SpendAccount.Tally()
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
            // The grants' accounts are looked up afresh after every exchange, failed or not: some
            // accounts may be dropped, and a grant that a new snapshot replaced is let go.
            state.grants = [:]
            guard let ledger else { return }
            // In place: the holds of requests in flight point at their accounts.
            for (key, account) in state.accounts { (account.ledger, account.flushing) = (ledger[key] ?? 0, SpendAccount.Tally()) }
            state.accounts = state.accounts.filter { key, account in ledger[key] != nil || !account.isIdle }
            for (key, total) in ledger where state.accounts[key] == nil { state.accounts[key] = SpendAccount(ledger: total) }
        }
    }
}

extension Metering.State {
    /// The accounts and windows of `grant` in the periods containing `now`, made when it has
    /// none. Made for a refused request too: its accounts are empty, and the next exchange drops them.
    fileprivate mutating func grantAccounts(_ grant: KeyGrant, at now: Date) -> GrantAccounts {
        if let held = grants[ObjectIdentifier(grant)], held.isCurrent(at: now) { return held }
        var (accounts, starts, ends) = ([SpendAccount](), [Date](), [Date?]())
        for scoped in grant.budgets {
            let (key, start, end) = key(of: scoped, at: now)
            accounts.append(account(key))
            starts.append(start)
            ends.append(end)
        }
        let held = GrantAccounts(grant: grant, accounts: accounts, starts: starts, ends: ends, windows: grant.limits.map { window($0.scope) })
        grants[ObjectIdentifier(grant)] = held
        return held
    }

    /// Forgets the account of `key`, and so every grant's accounts, which may point at it.
    fileprivate mutating func drop(_ key: SpendKey) {
        accounts[key] = nil
        grants = [:]
    }

    /// The account of `key`, made when it has none.
    fileprivate mutating func account(_ key: SpendKey) -> SpendAccount {
        if let account = accounts[key] { return account }
        let account = SpendAccount()
        accounts[key] = account
        return account
    }

    /// The window of `scope`, made when it has none.
    fileprivate mutating func window(_ scope: String) -> SlidingWindow {
        if let window = windows[scope] { return window }
        let window = SlidingWindow()
        windows[scope] = window
        return window
    }

    fileprivate mutating func releaseAbandoned(at second: Int64) {
        lastSweep = second
        for hold in holds.remove(before: second - Metering.abandonedAfterSeconds) {
            for account in hold.accounts.accounts { account.release(hold.amount) }
        }
    }

    /// The ledger key of `scoped`'s period containing `now`, and when that period starts and ends.
    fileprivate mutating func key(of scoped: ScopedBudget, at now: Date) -> (key: SpendKey, start: Date, end: Date?) {
        let period = scoped.budget.period
        let interval: (start: Date, end: Date?)
        if let known = periods[period.slot], known.start <= now, known.end.map({ now < $0 }) ?? true {
            interval = known
        } else {
            interval = period.interval(containing: now)
            periods[period.slot] = interval
        }
        return (SpendKey(scope: scoped.scope, periodStart: Int64(interval.start.timeIntervalSince1970 * 1000)), interval.start, interval.end)
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
