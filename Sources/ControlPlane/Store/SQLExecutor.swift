import GatewayModel

/// Runs statements inside one transaction. Placeholders are `$1`, `$2`, ... in order of first use,
/// which both SQLite and PostgreSQL accept.
public protocol SQLExecutor: Sendable {
    /// Runs `sql` with `binds` and returns every row.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}
