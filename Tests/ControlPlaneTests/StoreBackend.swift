import ControlPlane
import GatewayModel
import Logging

import class Foundation.FileManager
import class Foundation.ProcessInfo

/// A database the store tests run against: SQLite always, PostgreSQL when
/// `GATEWAY_TEST_POSTGRES_URL` names one (`scripts/test.sh` starts one and sets it).
enum StoreBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The PostgreSQL URL the tests may wipe, if any.
    static var postgresURL: String? { ProcessInfo.processInfo.environment["GATEWAY_TEST_POSTGRES_URL"] }

    /// The backends available on this machine.
    static var available: [StoreBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A store URL with nothing in it: a new SQLite file, or the PostgreSQL database with its schema dropped.
    func emptyStoreURL() async throws -> String {
        switch self {
        case .sqlite:
            let parent = TemporaryStores.folder ?? FileManager.default.temporaryDirectory
            let directory = parent.appendingPathComponent("gateway-store-\(UInt64.random(in: 0...UInt64.max))")
            return "sqlite:\(directory.path)/gateway.sqlite"
        case .postgres:
            let url = Self.postgresURL!
            let database = try PostgresDatabase.open(url: url, logger: Logger(label: "test"))
            try await database.transaction { sql in
                try await sql.query("DROP SCHEMA public CASCADE", [])
                try await sql.query("CREATE SCHEMA public", [])
            }
            await database.close()
            return url
        }
    }
}
