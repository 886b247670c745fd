/// The body of `POST /config/v1/spend` and of its answer.
public struct SpendExchange: Codable, Sendable {
    /// Spend to add (request) or totals (answer).
    public var entries: [SpendDelta]
    /// Periods that started at or after this (Unix milliseconds) are returned.
    public var since: Int64

    /// Creates an exchange.
    public init(entries: [SpendDelta], since: Int64) {
        self.entries = entries
        self.since = since
    }
}
