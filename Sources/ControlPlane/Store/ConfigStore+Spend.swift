import GatewayModel

/// The spend ledger: settled spend per budget scope and period, added to in batches by gateways.
extension ConfigStore {
    /// Adds `deltas` in one transaction.
    public func addSpend(_ deltas: [SpendDelta]) async throws {
        guard !deltas.isEmpty else { return }
        let now = UnixMilliseconds.now()
        try await runTransaction { sql in
            for delta in deltas {
                try await sql.query(
                    """
                    INSERT INTO spend_ledger (scope, period_start_ms, micro_usd, requests, updated_at_ms) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (scope, period_start_ms) DO UPDATE SET micro_usd = spend_ledger.micro_usd + excluded.micro_usd,
                      requests = spend_ledger.requests + excluded.requests, updated_at_ms = excluded.updated_at_ms
                    """,
                    [.text(delta.key.scope), .int(delta.key.periodStart), .int(delta.microUSD), .int(delta.requests), .int(now)])
            }
        }
    }

    /// Spend of every period that started at or after `since` (Unix milliseconds), and of `total` budgets.
    public func spend(since: Int64) async throws -> [SpendKey: Int64] {
        try await runTransaction { sql in
            var totals: [SpendKey: Int64] = [:]
            for row in try await sql.query(
                "SELECT scope, period_start_ms, micro_usd FROM spend_ledger WHERE period_start_ms >= $1 OR period_start_ms = 0", [.int(since)])
            {
                totals[SpendKey(scope: try row.requiredText("scope"), periodStart: try row.requiredInt("period_start_ms"))] =
                    try row.requiredInt("micro_usd")
            }
            return totals
        }
    }

    /// Forgets the spend of `key` (resetting a budget), recorded in the audit log under `actor`.
    public func resetSpend(_ key: SpendKey, actor: String) async throws {
        try await runTransaction { sql in
            try await sql.query("DELETE FROM spend_ledger WHERE scope = $1 AND period_start_ms = $2", [.text(key.scope), .int(key.periodStart)])
            let version = try await sql.query("SELECT version FROM config_version WHERE id = 1", []).first?.requiredInt("version") ?? 0
            try await sql.query(
                "INSERT INTO audit_log (at_ms, actor, action, object, version) VALUES ($1, $2, $3, $4, $5)",
                [.int(UnixMilliseconds.now()), .text(actor), .text(AuditEntry.Action.reset.rawValue), .text("spend/\(key.scope)"), .int(version)])
        }
    }
}

extension ConfigStore: SpendLedger {
    /// Adds `deltas`, then returns the totals of every period that started at or after `since`.
    public func exchange(_ deltas: [SpendDelta], since: Int64) async throws -> [SpendKey: Int64] {
        try await addSpend(deltas)
        return try await spend(since: since)
    }
}
