/// Where one scope stands against its caps at a moment: spend in the budget's current period and
/// use of the sliding rate-limit minute.
public struct CapStanding: Sendable, Equatable {
    /// The scope and its configured caps.
    public let caps: ScopeCaps
    /// Spend settled in the budget's current period: the ledger's total (every replica) as of its
    /// last exchange plus what this process settled since.
    public let spentMicroUSD: Int64
    /// Spend held by this process's requests in flight.
    public let reservedMicroUSD: Int64
    /// Requests counted in the sliding minute by this process.
    public let requestsInWindow: Int
    /// Tokens counted in the sliding minute by this process.
    public let tokensInWindow: Int

    /// Creates a standing.
    public init(caps: ScopeCaps, spentMicroUSD: Int64, reservedMicroUSD: Int64, requestsInWindow: Int, tokensInWindow: Int) {
        self.caps = caps
        self.spentMicroUSD = spentMicroUSD
        self.reservedMicroUSD = reservedMicroUSD
        self.requestsInWindow = requestsInWindow
        self.tokensInWindow = tokensInWindow
    }
}
