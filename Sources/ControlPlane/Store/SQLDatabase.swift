import GatewayModel

/// A SQL database the ``ConfigStore`` keeps the model in.
public protocol SQLDatabase: Sendable {
    /// The database's flavour.
    var dialect: SQLDialect { get }
    /// Runs `body` in a transaction that commits when it returns and rolls back when it throws.
    func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result
    /// Releases connections; no statement may run afterwards.
    func close() async
    /// Whether the database can take writes that will last (false, say, for a deleted SQLite file).
    var isHealthy: Bool { get }
}

extension SQLDatabase {
    /// A server database reports its failures per statement.
    public var isHealthy: Bool { true }
}
