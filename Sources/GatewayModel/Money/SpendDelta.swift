import struct Foundation.Date

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
