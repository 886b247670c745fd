/// Where gateways write settled spend and read everyone's: the store itself in one process, the
/// control plane's `/config/v1/spend` for a remote gateway.
public protocol SpendLedger: Sendable {
    /// Adds `deltas`, then returns the ledger's totals of every period that started at or after
    /// `since` (Unix milliseconds) and of `total` budgets.
    func exchange(_ deltas: [SpendDelta], since: Int64) async throws -> [SpendKey: Int64]
}
