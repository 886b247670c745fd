import GatewayModel

import struct Foundation.Date

/// The accounts of one grant's budgets in the periods current from `start` to `end`, with the
/// end of each budget's period, and the windows of its limits: looked up once for all of the
/// grant's requests in those periods rather than once per request. Never changed: a request in
/// flight settles into the accounts it was admitted against, even after a period has turned.
/// ``Metering`` reads and writes the accounts and windows only under its lock.
final class GrantAccounts {
    /// The grant; kept so that its identity, the cache's key, is not reused while cached.
    let grant: KeyGrant
    /// The account of each of the grant's budgets, in their order.
    let accounts: [SpendAccount]
    /// When each budget's current period ends (nil for a `total` budget).
    let ends: [Date?]
    /// The window of each of the grant's limits, in their order.
    let windows: [SlidingWindow]
    /// When the latest of the periods began, and when the earliest ends: the accounts are current between.
    let start: Date, end: Date?

    init(grant: KeyGrant, accounts: [SpendAccount], starts: [Date], ends: [Date?], windows: [SlidingWindow]) {
        (self.grant, self.accounts, self.ends, self.windows) = (grant, accounts, ends, windows)
        start = starts.max() ?? .distantPast
        end = ends.compactMap { $0 }.min()
    }

    /// Whether the accounts are those of the periods containing `now`.
    func isCurrent(at now: Date) -> Bool {
        start <= now && end.map { now < $0 } ?? true
    }

    /// Reserves an admitted request's worst case in every account and adds it, with its
    /// estimated tokens, to every window at `second`.
    func reserve(_ worstCase: Int64, tokens: Int, at second: Int64) {
        // By index: iterating the arrays would retain and release each array and element.
        for index in accounts.indices { accounts[index].reserve(worstCase) }
        for index in windows.indices { windows[index].add(requests: 1, tokens: tokens, at: second) }
    }

    /// Replaces a request's reservation with what it spent in every account, and corrects the
    /// windows' tokens at the second it was admitted by `tokens` (the real count less the estimate).
    func settle(reserved amount: Int64, spent microUSD: Int64, tokens: Int, at second: Int64) {
        let spend = SpendAccount.Tally(microUSD: microUSD, requests: 1)
        for index in accounts.indices { accounts[index].settle(reserved: amount, spent: spend) }
        for index in windows.indices { windows[index].add(requests: 0, tokens: tokens, at: second) }
    }
}
