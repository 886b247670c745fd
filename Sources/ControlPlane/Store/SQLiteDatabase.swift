import GatewayModel
import Logging
import SQLiteNIO

import class Foundation.FileManager
import struct Foundation.URL

/// The embedded store: one SQLite file (WAL journal, foreign keys on), one connection, transactions
/// taken in turn.
public final class SQLiteDatabase: SQLDatabase {
    /// The database's SQL dialect.
    public var dialect: SQLDialect { .sqlite }
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    /// Holds the file for this process; nil for an in-memory database.
    private let fileLock: StoreFileLock?
    private let path: String

    /// Opens (creating if needed) the database at `path`; `:memory:` opens a private in-memory one.
    public static func open(path: String, logger: Logger) async throws -> SQLiteDatabase {
        let storage: SQLiteConnection.Storage
        if path == ":memory:" {
            storage = .memory
        } else {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            storage = .file(path: path)
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot open SQLite database \(path): \(error)")
        }
        let fileLock: StoreFileLock?
        do {
            fileLock = path == ":memory:" ? nil : try StoreFileLock(path: path)
        } catch {
            try? await connection.close()
            throw error
        }
        do {
            _ = try await connection.query("PRAGMA busy_timeout = 5000")
            try await setUp(connection)
            _ = try await connection.query("PRAGMA foreign_keys = ON")
        } catch {
            try? await connection.close()
            throw StoreError.unavailable("cannot set up SQLite database \(path): \(error)")
        }
        return SQLiteDatabase(connection: connection, fileLock: fileLock, path: path)
    }

    private init(connection: SQLiteConnection, fileLock: StoreFileLock?, path: String) {
        self.connection = connection
        self.fileLock = fileLock
        self.path = path
    }

    /// Whether the database file is still the one opened: deleted or replaced, every write would
    /// vanish at the next start, so transactions are refused instead.
    public var isHealthy: Bool { fileLock?.fileIsIntact ?? true }

    /// Switches to the WAL journal. SQLite answers `busy` at once, without waiting, while another
    /// process is creating the same file, so this retries for up to five seconds.
    private static func setUp(_ connection: SQLiteConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                _ = try await connection.query("PRAGMA journal_mode = WAL")
                return
            } catch let error as SQLiteError where error.reason == .busy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Runs `body` in one transaction, rolled back when it throws.
    public func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        guard isHealthy else {
            throw StoreError.unavailable("the database file \(path) was deleted or replaced while the gateway ran; restore it and restart the gateway")
        }
        return try await lock.withLock {
            let executor = Executor(connection: connection)
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(executor)
                _ = try await connection.query("COMMIT")
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes the connections; the database is unusable afterwards.
    public func close() async {
        try? await connection.close()
        fileLock?.release()
    }

    private struct Executor: SQLExecutor {
        let connection: SQLiteConnection

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            let data: [SQLiteData] = binds.map {
                switch $0 {
                case .null: .null
                case .int(let value): .integer(Int(value))
                case .text(let text): .text(text)
                }
            }
            return try await connection.query(sql, data).map { row in
                var values: [String: SQLValue] = [:]
                for column in row.columns {
                    switch column.data {
                    case .integer(let value): values[column.name.lowercased()] = .int(Int64(value))
                    case .text(let text): values[column.name.lowercased()] = .text(text)
                    case .float(let value): values[column.name.lowercased()] = .int(value.isFinite ? Int64(max(-9.2e18, min(9.2e18, value))) : 0)
                    case .null, .blob: values[column.name.lowercased()] = .null
                    }
                }
                return SQLRow(values: values)
            }
        }
    }
}
