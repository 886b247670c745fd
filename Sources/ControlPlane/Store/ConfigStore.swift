import GatewayModel
import Logging

import struct Foundation.Date

/// The source of truth of the model: a SQL database (SQLite embedded, PostgreSQL in production)
/// with versioned migrations, a configuration version bumped by every change, and an audit log.
///
/// Every change runs as read, edit, diff, write in one transaction, so concurrent writers (even
/// several control planes on one PostgreSQL) apply one after the other and each bumps the version
/// once.
public final class ConfigStore: Sendable {
    /// The model at one version.
    public struct Versioned: Sendable, Equatable {
        /// The configuration version.
        public var version: Int
        /// The model at that version.
        public var model: StoredModel
    }

    /// The outcome of a change: the version it produced and the objects it touched.
    public struct ChangeResult: Sendable, Equatable {
        /// The configuration version after the change (unchanged when nothing changed).
        public var version: Int
        /// Objects created, updated or deleted, as audit entries.
        public var changes: [AuditEntry]
    }

    private let database: any SQLDatabase
    /// The SQL flavour underneath.
    public var dialect: SQLDialect { database.dialect }

    /// Opens `url` (`sqlite:PATH` or `postgres://...`) and applies pending migrations, giving up
    /// when the database has not answered within `timeout`.
    public static func open(url: String, logger: Logger, timeout: Duration = .seconds(15)) async throws -> ConfigStore {
        let database: any SQLDatabase
        if url.hasPrefix("sqlite:") {
            database = try await SQLiteDatabase.open(path: String(url.dropFirst("sqlite:".count)), logger: logger)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            database = try PostgresDatabase.open(url: url, logger: logger)
        } else {
            throw StoreError.badURL("expected sqlite:PATH or postgres://user:password@host:5432/database")
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await Migrations.run(on: database) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw StoreError.unavailable("no answer from \(StoreURL.redacted(url)) within \(timeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as StoreError {
            await database.close()
            throw error
        } catch {
            await database.close()
            throw StoreError.unavailable(String(describing: error))
        }
        return ConfigStore(database: database)
    }

    /// Wraps an open database whose migrations have run.
    init(database: any SQLDatabase) { self.database = database }

    /// Closes the database.
    public func close() async { await database.close() }

    /// Whether writes to the store will last (see ``SQLDatabase/isHealthy``).
    public var isHealthy: Bool { database.isHealthy }

    /// The current version and model.
    public func load() async throws -> Versioned {
        try await runTransaction { sql in try await ModelRows.read(sql) }
    }

    /// The current configuration version, a cheap query for followers of the store.
    public func version() async throws -> Int {
        try await runTransaction { sql in
            Int(try await sql.query("SELECT version FROM config_version WHERE id = 1", []).first?.requiredInt("version") ?? 0)
        }
    }

    /// Applies `edit` to the current model and stores the difference, recorded in the audit log
    /// under `actor`. A change that alters nothing keeps the version.
    @discardableResult
    public func update(actor: String, _ edit: @Sendable (inout StoredModel) throws -> Void) async throws -> ChangeResult {
        let dialect = database.dialect
        return try await runTransaction { sql in
            let lock = dialect == .postgres ? " FOR UPDATE" : ""
            _ = try await sql.query("SELECT version FROM config_version WHERE id = 1\(lock)", [])
            let current = try await ModelRows.read(sql)
            var next = current.model
            try edit(&next)
            let changes = ModelRows.diff(from: current.model, to: next)
            guard !changes.isEmpty else { return ChangeResult(version: current.version, changes: []) }
            try await ModelRows.write(changes, model: next, sql)
            let version = Int(try await sql.query("UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING version", [])
                .first?.requiredInt("version") ?? 0)
            let now = UnixMilliseconds.now()
            var entries: [AuditEntry] = []
            for change in changes {
                let entry = AuditEntry(at: UnixMilliseconds.date(now)!, actor: actor, action: change.action, object: AuditObject(change.ref), version: version)
                try await sql.query(
                    "INSERT INTO audit_log (at_ms, actor, action, object, version) VALUES ($1, $2, $3, $4, $5)",
                    [.int(now), .text(actor), .text(change.action.rawValue), .text(change.ref.description), .int(Int64(version))])
                entries.append(entry)
            }
            return ChangeResult(version: version, changes: entries)
        }
    }

    /// Applies a configuration file's model declaratively (see ``StoredModel/applying(providers:orgs:prices:)``).
    @discardableResult
    public func apply(_ config: GatewayConfig, actor: String) async throws -> ChangeResult {
        try await update(actor: actor) { model in model = try model.applying(providers: config.providers, orgs: config.orgs, prices: config.prices) }
    }

    /// The newest audit entries first, at most `limit`, optionally only those whose object starts with `prefix`.
    public func audit(limit: Int, objectPrefix: String? = nil) async throws -> [AuditEntry] {
        try await runTransaction { sql in
            let rows = try await sql.query(
                "SELECT at_ms, actor, action, object, version FROM audit_log WHERE object LIKE $1 ORDER BY id DESC LIMIT $2",
                [.text((objectPrefix ?? "") + "%"), .int(Int64(limit))])
            return try rows.map { row throws(StoreError) in
                guard let action = AuditEntry.Action(rawValue: try row.requiredText("action")) else {
                    throw StoreError.corrupt("unreadable audit entry")
                }
                let object = AuditObject(try row.requiredText("object"))
                return AuditEntry(
                    at: UnixMilliseconds.date(try row.requiredInt("at_ms"))!, actor: try row.requiredText("actor"), action: action, object: object,
                    version: Int(try row.requiredInt("version")))
            }
        }
    }

    /// Runs `body` in a transaction, reporting database failures as ``StoreError/unavailable(_:)``
    /// and leaving model errors as they are.
    func runTransaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        do {
            return try await database.transaction(body)
        } catch let error as ModelError {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(String(describing: error))
        }
    }
}
