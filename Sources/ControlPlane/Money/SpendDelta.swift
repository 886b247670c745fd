/// Spend of one budget scope in one period, as the ledger keeps it.
public struct SpendKey: Hashable, Sendable, Codable {
    /// The capped object, e.g. `project/chatbot` or `key/chatbot/ci`.
    public let scope: String
    /// Start of the period, Unix milliseconds (0 for `total`).
    public let periodStart: Int64

    public init(scope: String, periodStart: Int64) {
        self.scope = scope
        self.periodStart = periodStart
    }
}

/// Spend to add to the ledger.
public struct SpendDelta: Sendable, Equatable, Codable {
    public let key: SpendKey
    public let microUSD: Int64
    public let requests: Int64

    public init(key: SpendKey, microUSD: Int64, requests: Int64) {
        self.key = key
        self.microUSD = microUSD
        self.requests = requests
    }
}
