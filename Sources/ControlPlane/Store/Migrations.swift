import GatewayModel

/// The store's schema, as numbered migrations applied in order at start and recorded in
/// `schema_migrations`. A migration is never edited once released; changes get a new number.
enum Migrations {
    struct Migration: Sendable {
        let number: Int
        let name: String
        let statements: @Sendable (SQLDialect) -> [String]
    }

    static let all: [Migration] = [
        Migration(number: 1, name: "model, audit log and configuration version") { dialect in
            let serial = dialect == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            return [
                "CREATE TABLE config_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
                "INSERT INTO config_version (id, version) VALUES (1, 0)",
                """
                CREATE TABLE providers (
                  name TEXT PRIMARY KEY, kind TEXT NOT NULL, base_url TEXT, api_key_env TEXT,
                  timeout_ms BIGINT NOT NULL, first_byte_timeout_ms BIGINT NOT NULL, max_retries BIGINT NOT NULL,
                  retry_backoff_ms BIGINT NOT NULL, latency_ms BIGINT NOT NULL, managed_by TEXT NOT NULL)
                """,
                "CREATE TABLE orgs (id TEXT PRIMARY KEY, managed_by TEXT NOT NULL)",
                """
                CREATE TABLE org_telemetry_tokens (
                  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE, sha256 TEXT NOT NULL UNIQUE,
                  PRIMARY KEY (org_id, sha256))
                """,
                "CREATE TABLE projects (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs (id), managed_by TEXT NOT NULL)",
                """
                CREATE TABLE routes (
                  project_id TEXT NOT NULL REFERENCES projects (id), model TEXT NOT NULL, managed_by TEXT NOT NULL,
                  PRIMARY KEY (project_id, model))
                """,
                """
                CREATE TABLE route_targets (
                  project_id TEXT NOT NULL, model TEXT NOT NULL, position BIGINT NOT NULL,
                  provider TEXT NOT NULL REFERENCES providers (name), target_model TEXT NOT NULL, weight BIGINT NOT NULL,
                  PRIMARY KEY (project_id, model, position),
                  FOREIGN KEY (project_id, model) REFERENCES routes (project_id, model) ON DELETE CASCADE)
                """,
                """
                CREATE TABLE api_keys (
                  project_id TEXT NOT NULL REFERENCES projects (id), id TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
                  prefix TEXT, expires_at_ms BIGINT, revoked_at_ms BIGINT, created_at_ms BIGINT, managed_by TEXT NOT NULL,
                  PRIMARY KEY (project_id, id))
                """,
                "CREATE INDEX api_keys_prefix ON api_keys (prefix)",
                """
                CREATE TABLE budgets (
                  scope TEXT NOT NULL, scope_id TEXT NOT NULL, micro_usd BIGINT NOT NULL, period TEXT NOT NULL,
                  PRIMARY KEY (scope, scope_id))
                """,
                """
                CREATE TABLE rate_limits (
                  scope TEXT NOT NULL, scope_id TEXT NOT NULL, requests_per_minute BIGINT, tokens_per_minute BIGINT,
                  PRIMARY KEY (scope, scope_id))
                """,
                """
                CREATE TABLE audit_log (
                  id \(serial), at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,
                  version BIGINT NOT NULL)
                """,
            ]
        },
        Migration(number: 2, name: "price overrides and the spend ledger") { _ in
            [
                """
                CREATE TABLE prices (
                  model TEXT PRIMARY KEY, input_per_million BIGINT NOT NULL, cached_input_per_million BIGINT NOT NULL,
                  output_per_million BIGINT NOT NULL, managed_by TEXT NOT NULL)
                """,
                """
                CREATE TABLE spend_ledger (
                  scope TEXT NOT NULL, period_start_ms BIGINT NOT NULL, micro_usd BIGINT NOT NULL, requests BIGINT NOT NULL,
                  updated_at_ms BIGINT NOT NULL, PRIMARY KEY (scope, period_start_ms))
                """,
            ]
        },
        Migration(number: 3, name: "key scopes") { _ in
            // Comma-separated operation names; NULL for a key that may call every operation.
            ["ALTER TABLE api_keys ADD COLUMN scopes TEXT"]
        },
        Migration(number: 4, name: "provider connect timeouts and CA files") { _ in
            ["ALTER TABLE providers ADD COLUMN connect_timeout_ms BIGINT", "ALTER TABLE providers ADD COLUMN tls_ca_file TEXT"]
        },
        Migration(number: 5, name: "guardrail policies") { _ in
            // The policy of a project or key as JSON (GuardrailPolicy's Codable form).
            ["CREATE TABLE guardrails (scope TEXT NOT NULL, scope_id TEXT NOT NULL, policy TEXT NOT NULL, PRIMARY KEY (scope, scope_id))"]
        },
        Migration(number: 6, name: "org export destinations") { _ in
            // An org's export settings as JSON (ExportSettings' Codable form); no row for an org without any.
            ["CREATE TABLE org_exports (org_id TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE, export TEXT NOT NULL)"]
        },
        Migration(number: 7, name: "MCP servers and key tool lists") { _ in
            // A project's MCP servers as JSON ([MCPServer]); a key's MCP tools as a JSON array, NULL for all.
            [
                "CREATE TABLE project_mcp_servers (project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE, servers TEXT NOT NULL)",
                "ALTER TABLE api_keys ADD COLUMN mcp_tools TEXT",
            ]
        },
        Migration(number: 8, name: "cache-write prices and default max tokens") { _ in
            // NULL: cache writes cost as input; the provider kind's standard max_tokens.
            ["ALTER TABLE prices ADD COLUMN cache_write_per_million BIGINT", "ALTER TABLE providers ADD COLUMN default_max_tokens BIGINT"]
        },
    ]

    /// Applies every migration the database has not recorded yet, in one transaction.
    /// On PostgreSQL an advisory lock keeps two control planes starting together from racing.
    static func run(on database: any SQLDatabase) async throws -> Int {
        let known = all.last?.number ?? 0
        return try await database.transaction { sql in
            if database.dialect == .postgres { try await sql.query("SELECT pg_advisory_xact_lock(7461626)", []) }
            try await sql.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (number BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)",
                [])
            let rows = try await sql.query("SELECT MAX(number) AS number FROM schema_migrations", [])
            let current = Int(try rows.first?.int("number") ?? 0)
            guard current <= known else { throw StoreError.schemaTooNew(found: current, known: known) }
            for migration in all where migration.number > current {
                for statement in migration.statements(database.dialect) { try await sql.query(statement, []) }
                try await sql.query(
                    "INSERT INTO schema_migrations (number, name, applied_at_ms) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.number)), .text(migration.name), .int(UnixMilliseconds.now())])
            }
            return known
        }
    }
}
