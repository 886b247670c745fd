import struct Foundation.Date

/// Spend to add to the ledger.
public struct SpendDelta: Sendable, Equatable, Codable {
    /// The budget scope and period.
    public let key: SpendKey
    /// Spend to add, in micro-USD.
    public let microUSD: Int64
    /// Requests settled.
    public let requests: Int64

    /// Creates a delta.
    public init(key: SpendKey, microUSD: Int64, requests: Int64) {
        self.key = key
        self.microUSD = microUSD
        self.requests = requests
    }
}
