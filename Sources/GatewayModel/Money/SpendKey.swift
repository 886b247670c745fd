import struct Foundation.Date

/// Spend of one budget scope in one period, as the ledger keeps it.
public struct SpendKey: Hashable, Sendable, Codable {
    /// The earliest period start (Unix milliseconds) that can still be current at `now`: 40 days
    /// back covers every daily, weekly and monthly period; `total` budgets start at 0 and are always read.
    public static func horizon(now: Date = Date()) -> Int64 { Int64((now.timeIntervalSince1970 - 40 * 86_400) * 1000) }

    /// The capped object, e.g. `project/chatbot` or `key/chatbot/ci`.
    public let scope: String
    /// Start of the period, Unix milliseconds (0 for `total`).
    public let periodStart: Int64

    /// Creates a key.
    public init(scope: String, periodStart: Int64) {
        self.scope = scope
        self.periodStart = periodStart
    }
}
