import Foundation
import GatewayModel
import Guardrails

/// Maps the ``StoredModel`` to and from the store's tables.
enum ModelRows {
    /// One object whose row must be written or removed.
    struct Change: Equatable {
        let ref: ObjectRef
        let action: AuditEntry.Action
    }

    // MARK: Reading

    static func read(_ sql: any SQLExecutor) async throws -> ConfigStore.Versioned {
        var model = StoredModel()
        let version = Int(try await sql.query("SELECT version FROM config_version WHERE id = 1", []).first?.requiredInt("version") ?? 0)
        var budgets: [String: Budget] = [:]
        for row in try await sql.query("SELECT scope, scope_id, micro_usd, period FROM budgets", []) {
            guard let period = Budget.Period(rawValue: try row.requiredText("period")) else { throw StoreError.corrupt("budget period") }
            budgets["\(try row.requiredText("scope"))/\(try row.requiredText("scope_id"))"] =
                Budget(microUSD: try row.requiredInt("micro_usd"), period: period)
        }
        var limits: [String: RateLimits] = [:]
        for row in try await sql.query("SELECT scope, scope_id, requests_per_minute, tokens_per_minute FROM rate_limits", []) {
            limits["\(try row.requiredText("scope"))/\(try row.requiredText("scope_id"))"] = RateLimits(
                requestsPerMinute: try row.int("requests_per_minute").map(Int.init), tokensPerMinute: try row.int("tokens_per_minute").map(Int.init))
        }
        var guardrails: [String: GuardrailPolicy] = [:]
        for row in try await sql.query("SELECT scope, scope_id, policy FROM guardrails", []) {
            let scope = "\(try row.requiredText("scope"))/\(try row.requiredText("scope_id"))"
            guardrails[scope] = try json(GuardrailPolicy.self, row.requiredText("policy"), "guardrails of \(scope)")
        }
        for row in try await sql.query("SELECT * FROM providers", []) {
            guard let kind = ProviderConfig.Kind(rawValue: try row.requiredText("kind")) else { throw StoreError.corrupt("provider kind") }
            let provider = ProviderConfig(
                name: try row.requiredText("name"), kind: kind, baseURL: try row.text("base_url"), apiKeyEnv: try row.text("api_key_env"),
                timeoutSeconds: Double(try row.requiredInt("timeout_ms")) / 1000,
                firstByteTimeoutSeconds: Double(try row.requiredInt("first_byte_timeout_ms")) / 1000,
                maxRetries: Int(try row.requiredInt("max_retries")), retryBackoffMilliseconds: Int(try row.requiredInt("retry_backoff_ms")),
                latencyMilliseconds: Int(try row.requiredInt("latency_ms")),
                connectTimeoutSeconds: try row.int("connect_timeout_ms").map { Double($0) / 1000 }, tlsCAFile: try row.text("tls_ca_file"),
                defaultMaxTokens: try row.int("default_max_tokens").map { Int($0) })
            model.providers[provider.name] = provider
            try managed(row, .provider(provider.name), &model)
        }
        for row in try await sql.query("SELECT id, managed_by FROM orgs", []) {
            let id = try row.requiredText("id")
            model.orgs[id] = StoredModel.OrgRecord(telemetryTokenSha256: [], budget: budgets["org/\(id)"])
            try managed(row, .org(id), &model)
        }
        for row in try await sql.query("SELECT org_id, export FROM org_exports", []) {
            let id = try row.requiredText("org_id")
            model.orgs[id]?.export = try json(ExportSettings.self, row.requiredText("export"), "export settings of org \(id)")
        }
        for row in try await sql.query("SELECT org_id, sha256 FROM org_telemetry_tokens ORDER BY sha256", []) {
            model.orgs[try row.requiredText("org_id")]?.telemetryTokenSha256.append(try row.requiredText("sha256"))
        }
        for row in try await sql.query("SELECT id, org_id, managed_by FROM projects", []) {
            let id = try row.requiredText("id")
            model.projects[id] = StoredModel.ProjectRecord(
                org: try row.requiredText("org_id"), budget: budgets["project/\(id)"], limits: limits["project/\(id)"],
                guardrails: guardrails["project/\(id)"])
            try managed(row, .project(id), &model)
        }
        for row in try await sql.query("SELECT project_id, servers FROM project_mcp_servers", []) {
            let id = try row.requiredText("project_id")
            model.projects[id]?.mcpServers = try json([MCPServer].self, row.requiredText("servers"), "MCP servers of project \(id)")
        }
        for row in try await sql.query("SELECT project_id, model, managed_by FROM routes", []) {
            let ref = ObjectRef.route(project: try row.requiredText("project_id"), model: try row.requiredText("model"))
            model.routes[ref] = Route(model: try row.requiredText("model"), targets: [])
            try managed(row, ref, &model)
        }
        for row in try await sql.query("SELECT * FROM route_targets ORDER BY project_id, model, position", []) {
            let ref = ObjectRef.route(project: try row.requiredText("project_id"), model: try row.requiredText("model"))
            model.routes[ref]?.targets.append(
                RouteTarget(
                    provider: try row.requiredText("provider"), model: try row.requiredText("target_model"),
                    weight: Int(try row.requiredInt("weight"))))
        }
        for row in try await sql.query("SELECT * FROM api_keys", []) {
            let project = try row.requiredText("project_id")
            let id = try row.requiredText("id")
            let scope = "key/\(project)/\(id)"
            model.keys[.key(project: project, id: id)] = APIKey(
                id: id, sha256: try row.requiredText("sha256"), prefix: try row.text("prefix"),
                expiresAt: UnixMilliseconds.date(try row.int("expires_at_ms")), revokedAt: UnixMilliseconds.date(try row.int("revoked_at_ms")),
                createdAt: UnixMilliseconds.date(try row.int("created_at_ms")), budget: budgets[scope], limits: limits[scope],
                scopes: try row.text("scopes").map { text in
                    guard let scopes = KeyScope.parse(text) else { throw StoreError.corrupt("api_keys.scopes of key '\(id)': '\(text)'") }
                    return scopes
                }, guardrails: guardrails[scope],
                mcpTools: try row.text("mcp_tools").map { try json([String].self, $0, "MCP tools of key '\(id)'") })
            try managed(row, .key(project: project, id: id), &model)
        }
        for row in try await sql.query("SELECT * FROM prices", []) {
            let name = try row.requiredText("model")
            model.prices[name] = Price(
                model: name, inputPerMillion: try row.requiredInt("input_per_million"),
                cachedInputPerMillion: try row.requiredInt("cached_input_per_million"), outputPerMillion: try row.requiredInt("output_per_million"),
                cacheWritePerMillion: try row.int("cache_write_per_million"))
            try managed(row, .price(name), &model)
        }
        return ConfigStore.Versioned(version: version, model: model)
    }

    private static func json<Value: Decodable>(_ type: Value.Type, _ text: String, _ what: String) throws -> Value {
        guard let value = try? JSONDecoder().decode(type, from: Data(text.utf8)) else { throw StoreError.corrupt(what) }
        return value
    }

    private static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func managed(_ row: SQLRow, _ ref: ObjectRef, _ model: inout StoredModel) throws(StoreError) {
        if try row.requiredText("managed_by") == "file" { model.fileManaged.insert(ref) }
    }

    // MARK: Diffing

    /// The objects whose stored form differs between `old` and `new`, including a change of who manages them.
    static func diff(from old: StoredModel, to new: StoredModel) -> [Change] {
        var changes: [Change] = []
        for ref in old.refs.union(new.refs).sorted() {
            let before = old.refs.contains(ref)
            let after = new.refs.contains(ref)
            if before && !after {
                changes.append(Change(ref: ref, action: .deleted))
            } else if !before && after {
                changes.append(Change(ref: ref, action: .created))
            } else if !same(ref, old, new) || old.fileManaged.contains(ref) != new.fileManaged.contains(ref) {
                changes.append(Change(ref: ref, action: .updated))
            }
        }
        return changes
    }

    private static func same(_ ref: ObjectRef, _ old: StoredModel, _ new: StoredModel) -> Bool {
        switch ref {
        case .provider(let name): old.providers[name] == new.providers[name]
        case .org(let id): old.orgs[id] == new.orgs[id]
        case .project(let id): old.projects[id] == new.projects[id]
        case .route: old.routes[ref] == new.routes[ref]
        case .key: old.keys[ref] == new.keys[ref]
        case .price(let model): old.prices[model] == new.prices[model]
        }
    }

    // MARK: Writing

    /// Writes `changes`: deletions children first, then creations and updates parents first, so
    /// foreign keys hold at every statement.
    static func write(_ changes: [Change], model: StoredModel, _ sql: any SQLExecutor) async throws {
        for change in changes.filter({ $0.action == .deleted }).sorted(by: { rank($0.ref) > rank($1.ref) }) {
            try await delete(change.ref, sql)
        }
        for change in changes.filter({ $0.action != .deleted }).sorted(by: { rank($0.ref) < rank($1.ref) }) {
            try await upsert(change.ref, model: model, sql)
        }
    }

    private static func rank(_ ref: ObjectRef) -> Int {
        switch ref {
        case .provider: 0
        case .org: 1
        case .project: 2
        case .route: 3
        case .key: 4
        case .price: 5
        }
    }

    private static func delete(_ ref: ObjectRef, _ sql: any SQLExecutor) async throws {
        switch ref {
        case .provider(let name):
            try await sql.query("DELETE FROM providers WHERE name = $1", [.text(name)])
        case .org(let id):
            try await sql.query("DELETE FROM orgs WHERE id = $1", [.text(id)])
            try await setScoped(ref, budget: nil, limits: nil, sql)
        case .project(let id):
            try await sql.query("DELETE FROM projects WHERE id = $1", [.text(id)])
            try await setScoped(ref, budget: nil, limits: nil, sql)
        case .route(let project, let model):
            try await sql.query("DELETE FROM routes WHERE project_id = $1 AND model = $2", [.text(project), .text(model)])
        case .key(let project, let id):
            try await sql.query("DELETE FROM api_keys WHERE project_id = $1 AND id = $2", [.text(project), .text(id)])
            try await setScoped(ref, budget: nil, limits: nil, sql)
        case .price(let model):
            try await sql.query("DELETE FROM prices WHERE model = $1", [.text(model)])
        }
    }

    private static func upsert(_ ref: ObjectRef, model: StoredModel, _ sql: any SQLExecutor) async throws {
        let managedBy = SQLValue.text(model.fileManaged.contains(ref) ? "file" : "api")
        switch ref {
        case .provider(let name):
            let provider = model.providers[name]!
            try await sql.query(
                """
                INSERT INTO providers (name, kind, base_url, api_key_env, timeout_ms, first_byte_timeout_ms, max_retries,
                  retry_backoff_ms, latency_ms, managed_by, connect_timeout_ms, tls_ca_file, default_max_tokens)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url, api_key_env = excluded.api_key_env,
                  timeout_ms = excluded.timeout_ms, first_byte_timeout_ms = excluded.first_byte_timeout_ms,
                  max_retries = excluded.max_retries, retry_backoff_ms = excluded.retry_backoff_ms,
                  latency_ms = excluded.latency_ms, managed_by = excluded.managed_by,
                  connect_timeout_ms = excluded.connect_timeout_ms, tls_ca_file = excluded.tls_ca_file,
                  default_max_tokens = excluded.default_max_tokens
                """,
                [
                    .text(name), .text(provider.kind.rawValue), SQLValue(provider.baseURL), SQLValue(provider.apiKeyEnv),
                    .int(Int64((provider.timeoutSeconds * 1000).rounded())), .int(Int64((provider.firstByteTimeoutSeconds * 1000).rounded())),
                    SQLValue(provider.maxRetries), SQLValue(provider.retryBackoffMilliseconds), SQLValue(provider.latencyMilliseconds),
                    managedBy, SQLValue(provider.connectTimeoutSeconds.map { Int64(($0 * 1000).rounded()) }), SQLValue(provider.tlsCAFile),
                    SQLValue(provider.defaultMaxTokens),
                ])
        case .org(let id):
            let record = model.orgs[id]!
            try await sql.query(
                "INSERT INTO orgs (id, managed_by) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET managed_by = excluded.managed_by",
                [.text(id), managedBy])
            try await sql.query("DELETE FROM org_telemetry_tokens WHERE org_id = $1", [.text(id)])
            for token in record.telemetryTokenSha256 {
                try await sql.query("INSERT INTO org_telemetry_tokens (org_id, sha256) VALUES ($1, $2)", [.text(id), .text(token)])
            }
            try await sql.query("DELETE FROM org_exports WHERE org_id = $1", [.text(id)])
            if !record.export.otlp.isEmpty {
                try await sql.query("INSERT INTO org_exports (org_id, export) VALUES ($1, $2)", [.text(id), .text(try jsonText(record.export))])
            }
            try await setScoped(ref, budget: record.budget, limits: nil, sql)
        case .project(let id):
            let record = model.projects[id]!
            try await sql.query(
                """
                INSERT INTO projects (id, org_id, managed_by) VALUES ($1, $2, $3)
                ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, managed_by = excluded.managed_by
                """,
                [.text(id), .text(record.org), managedBy])
            try await setScoped(ref, budget: record.budget, limits: record.limits, guardrails: record.guardrails, sql)
            try await sql.query("DELETE FROM project_mcp_servers WHERE project_id = $1", [.text(id)])
            if !record.mcpServers.isEmpty {
                try await sql.query(
                    "INSERT INTO project_mcp_servers (project_id, servers) VALUES ($1, $2)", [.text(id), .text(try jsonText(record.mcpServers))])
            }
        case .route(let project, let modelName):
            let route = model.routes[ref]!
            try await sql.query(
                """
                INSERT INTO routes (project_id, model, managed_by) VALUES ($1, $2, $3)
                ON CONFLICT (project_id, model) DO UPDATE SET managed_by = excluded.managed_by
                """,
                [.text(project), .text(modelName), managedBy])
            try await sql.query("DELETE FROM route_targets WHERE project_id = $1 AND model = $2", [.text(project), .text(modelName)])
            for (position, target) in route.targets.enumerated() {
                try await sql.query(
                    "INSERT INTO route_targets (project_id, model, position, provider, target_model, weight) VALUES ($1, $2, $3, $4, $5, $6)",
                    [.text(project), .text(modelName), SQLValue(position), .text(target.provider), .text(target.model), SQLValue(target.weight)])
            }
        case .key(let project, let id):
            let key = model.keys[ref]!
            try await sql.query(
                """
                INSERT INTO api_keys (project_id, id, sha256, prefix, expires_at_ms, revoked_at_ms, created_at_ms, managed_by, scopes, mcp_tools)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (project_id, id) DO UPDATE SET sha256 = excluded.sha256, prefix = excluded.prefix,
                  expires_at_ms = excluded.expires_at_ms, revoked_at_ms = excluded.revoked_at_ms,
                  created_at_ms = excluded.created_at_ms, managed_by = excluded.managed_by, scopes = excluded.scopes,
                  mcp_tools = excluded.mcp_tools
                """,
                [
                    .text(project), .text(id), .text(key.sha256), SQLValue(key.prefix), SQLValue(UnixMilliseconds.of(key.expiresAt)),
                    SQLValue(UnixMilliseconds.of(key.revokedAt)), SQLValue(UnixMilliseconds.of(key.createdAt)), managedBy,
                    SQLValue(key.scopes.map(KeyScope.joined)), SQLValue(try key.mcpTools.map(jsonText)),
                ])
            try await setScoped(ref, budget: key.budget, limits: key.limits, guardrails: key.guardrails, sql)
        case .price(let modelName):
            let price = model.prices[modelName]!
            try await sql.query(
                """
                INSERT INTO prices (model, input_per_million, cached_input_per_million, output_per_million, managed_by, cache_write_per_million)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (model) DO UPDATE SET input_per_million = excluded.input_per_million,
                  cached_input_per_million = excluded.cached_input_per_million, output_per_million = excluded.output_per_million,
                  managed_by = excluded.managed_by, cache_write_per_million = excluded.cache_write_per_million
                """,
                [
                    .text(modelName), .int(price.inputPerMillion), .int(price.cachedInputPerMillion), .int(price.outputPerMillion), managedBy,
                    SQLValue(price.cacheWritePerMillion),
                ])
        }
    }

    /// Replaces the budget, rate-limit and guardrail rows of an org, project or key.
    private static func setScoped(
        _ ref: ObjectRef, budget: Budget?, limits: RateLimits?, guardrails: GuardrailPolicy? = nil, _ sql: any SQLExecutor
    ) async throws {
        let scope: String
        let id: String
        switch ref {
        case .org(let org): (scope, id) = ("org", org)
        case .project(let project): (scope, id) = ("project", project)
        case .key(let project, let key): (scope, id) = ("key", "\(project)/\(key)")
        case .provider, .route, .price: return
        }
        try await sql.query("DELETE FROM budgets WHERE scope = $1 AND scope_id = $2", [.text(scope), .text(id)])
        try await sql.query("DELETE FROM rate_limits WHERE scope = $1 AND scope_id = $2", [.text(scope), .text(id)])
        try await sql.query("DELETE FROM guardrails WHERE scope = $1 AND scope_id = $2", [.text(scope), .text(id)])
        if let guardrails {
            try await sql.query(
                "INSERT INTO guardrails (scope, scope_id, policy) VALUES ($1, $2, $3)", [.text(scope), .text(id), .text(try jsonText(guardrails))])
        }
        if let budget {
            try await sql.query(
                "INSERT INTO budgets (scope, scope_id, micro_usd, period) VALUES ($1, $2, $3, $4)",
                [.text(scope), .text(id), .int(budget.microUSD), .text(budget.period.rawValue)])
        }
        if let limits {
            try await sql.query(
                "INSERT INTO rate_limits (scope, scope_id, requests_per_minute, tokens_per_minute) VALUES ($1, $2, $3, $4)",
                [.text(scope), .text(id), SQLValue(limits.requestsPerMinute), SQLValue(limits.tokensPerMinute)])
        }
    }
}
