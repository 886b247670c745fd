import GatewayModel
import Logging
import NIOSSL
import PostgresNIO

import struct Foundation.URLComponents

/// The production store: PostgreSQL through a pool of connections.
public final class PostgresDatabase: SQLDatabase {
    /// The database's SQL dialect.
    public var dialect: SQLDialect { .postgres }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects to `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public static func open(url: String, logger: Logger) throws -> PostgresDatabase {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw StoreError.badURL("expected postgres://user:password@host:5432/database, got a URL without host or user")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        default: throw StoreError.badURL("sslmode must be disable, prefer or require, got \(mode)")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .seconds(5)
        return PostgresDatabase(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
    }

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Runs `body` in one transaction, rolled back when it throws.
    public func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(Executor(connection: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            // The transaction rolled back; report why the body failed, not the wrapper.
            if let reason = error.closureError, error.rollbackError == nil { throw reason }
            throw error
        }
    }

    /// Closes the connections; the database is unusable afterwards.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    private struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            var bindings = PostgresBindings(capacity: binds.count)
            for bind in binds {
                switch bind {
                case .null: bindings.appendNull()
                case .int(let value): bindings.append(value)
                case .text(let text): bindings.append(text)
                }
            }
            var rows: [SQLRow] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                var values: [String: SQLValue] = [:]
                for cell in row {
                    values[cell.columnName.lowercased()] = try Self.value(cell)
                }
                rows.append(SQLRow(values: values))
            }
            return rows
        }

        private static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
            case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}
