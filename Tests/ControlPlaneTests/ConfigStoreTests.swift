import ControlPlane
import Foundation
import GatewayModel
import Guardrails
import Logging
import Testing
import TestSupport

/// One suite, run against SQLite and against PostgreSQL.
@Suite("Config store on SQLite and PostgreSQL", .serialized, .temporaryStores)
struct ConfigStoreTests {
    static let hashA = KeyHasher.sha256Hex("sk-gw-a")
    static let hashB = KeyHasher.sha256Hex("sk-gw-b")

    func open(_ backend: StoreBackend) async throws -> (ConfigStore, String) {
        let url = try await backend.emptyStoreURL()
        return (try await ConfigStore.open(url: url, logger: Logger(label: "test")), url)
    }

    static func seed(_ model: inout StoredModel) throws {
        try model.createProvider(
            ProviderConfig(
                name: "up", kind: .openai, baseURL: "https://llm.internal:8443/v1", apiKeyEnv: "UP_KEY", timeoutSeconds: 12.5, maxRetries: 1,
                connectTimeoutSeconds: 1.5, tlsCAFile: "/etc/gateway/internal-ca.pem"))
        try model.createProvider(ProviderConfig(name: "mock", kind: .mock, latencyMilliseconds: 3))
        try model.createProvider(
            ProviderConfig(name: "claude", kind: .anthropic, baseURL: "https://api.anthropic.com/v1", apiKeyEnv: "ANTHROPIC_KEY", defaultMaxTokens: 8192))
        try model.createProvider(ProviderConfig(name: "gem", kind: .gemini, baseURL: "https://generativelanguage.googleapis.com/v1beta"))
        model.setPrice(Price(model: "claude-house", inputPerMillion: 3_000_000, cachedInputPerMillion: 300_000, outputPerMillion: 15_000_000, cacheWritePerMillion: 3_750_000))
        model.setPrice(Price(model: "house-gpt", inputPerMillion: 100_000, outputPerMillion: 400_000))
        try model.createOrg(
            Org(
                id: "acme", telemetryTokenSha256: [hashB], budget: Budget(microUSD: 1_000_000_000, period: .monthly),
                export: ExportSettings(otlp: [
                    OTLPDestination(
                        name: "tempo", endpoint: "https://tempo.acme.example:4318", signals: [.traces], compression: .none,
                        headers: ["x-scope-orgid": "acme"], headersEnv: ["authorization": "ACME_OTLP"], timeoutSeconds: 2.5, queueSpans: 100,
                        metricsIntervalSeconds: 30)
                ])))
        try model.createProject(
            Project(
                id: "chat", budget: Budget(microUSD: 5_500_000, period: .daily), limits: RateLimits(requestsPerMinute: 60),
                guardrails: GuardrailPolicy(
                    input: GuardrailRules(pii: .redact, piiTypes: [.email, .iban], secrets: .block, denyPhrases: DenyPhrases(action: .block, phrases: ["orion"])),
                    output: GuardrailRules(pii: .monitor)),
                mcpServers: [MCPServer(name: "files", url: "http://127.0.0.1:9000/mcp", headersEnv: ["authorization": "FILES"], tools: ["read"], timeoutSeconds: 5)]),
            org: "acme")
        try model.createRoute(
            Route(model: "gpt", targets: [RouteTarget(provider: "up", model: "gpt-4o", weight: 3), RouteTarget(provider: "mock", model: "m", weight: 0)]),
            project: "chat", org: "acme")
        try model.createKey(
            APIKey(
                id: "ci", sha256: hashA, prefix: "sk-gw-a", expiresAt: Date(timeIntervalSince1970: 1_900_000_000),
                createdAt: Date(timeIntervalSince1970: 1_800_000_000), budget: Budget(microUSD: 1, period: .total),
                limits: RateLimits(requestsPerMinute: 5, tokensPerMinute: 1000), scopes: [.models, .chat],
                guardrails: GuardrailPolicy(input: GuardrailRules(promptInjection: .block)), mcpTools: ["files/read"]),
            project: "chat", org: "acme")
    }

    @Test("migrations run once; a reopened store keeps its data", arguments: StoreBackend.available)
    func reopen(_ backend: StoreBackend) async throws {
        let (store, url) = try await open(backend)
        #expect(try await store.version() == 0)
        try await store.update(actor: "test") { try Self.seed(&$0) }
        let saved = try await store.load()
        await store.close()
        let again = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        let loaded = try await again.load()
        await again.close()
        #expect(loaded == saved)
        #expect(loaded.version == 1)
    }

    @Test("every field survives a round trip, and the tree nests it back", arguments: StoreBackend.available)
    func roundTrip(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        var expected = StoredModel()
        try Self.seed(&expected)
        let result = try await store.update(actor: "alice") { try Self.seed(&$0) }
        #expect(result.version == 1)
        #expect(result.changes.compactMap(\.object.ref).sorted() == expected.refs.sorted())
        let loaded = try await store.load()
        #expect(loaded.model == expected)
        let tree = loaded.model.tree
        #expect(tree.providers.map(\.name) == ["claude", "gem", "mock", "up"])
        #expect(tree.providers.first?.defaultMaxTokens == 8192 && tree.providers.first?.kind == .anthropic && tree.providers[1].kind == .gemini)
        #expect(loaded.model.prices["claude-house"]?.cacheWritePerMillion == 3_750_000 && loaded.model.prices["house-gpt"]?.cacheWritePerMillion == nil)
        #expect(tree.orgs.first?.projects.first?.routes.first?.targets.map(\.provider) == ["up", "mock"])
        #expect(tree.orgs.first?.projects.first?.keys.first?.limits?.tokensPerMinute == 1000)
        #expect(tree.orgs.first?.projects.first?.keys.first?.scopes == [.chat, .models])
        #expect(tree.orgs.first?.projects.first?.guardrails?.input.piiTypes == [.email, .iban])
        #expect(tree.orgs.first?.projects.first?.guardrails?.input.denyPhrases?.phrases == ["orion"])
        #expect(tree.orgs.first?.projects.first?.keys.first?.guardrails?.input.promptInjection == .block)
        #expect(tree.orgs.first?.export.otlp.first?.headersEnv == ["authorization": "ACME_OTLP"])
        #expect(tree.orgs.first?.projects.first?.mcpServers.first?.tools == ["read"] && tree.orgs.first?.projects.first?.keys.first?.mcpTools == ["files/read"])
        #expect(tree.orgs.first?.export.otlp.first?.signals == [.traces] && tree.orgs.first?.export.otlp.first?.queueSpans == 100)
    }

    @Test("a change that alters nothing keeps the version and writes no audit entry", arguments: StoreBackend.available)
    func noop(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        try await store.update(actor: "a") { try Self.seed(&$0) }
        var seeded = StoredModel()
        try Self.seed(&seeded)
        let acme = try #require(seeded.tree.orgs.first { $0.id == "acme" })
        let same = Org(id: acme.id, telemetryTokenSha256: acme.telemetryTokenSha256, budget: acme.budget, export: acme.export)
        let result = try await store.update(actor: "b") { model in try model.updateOrg(same) }
        #expect(result.version == 1 && result.changes.isEmpty)
        #expect(try await store.audit(limit: 100).allSatisfy { $0.actor == "a" })
    }

    @Test("a refused change leaves the store as it was", arguments: StoreBackend.available)
    func refused(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        try await store.update(actor: "a") { try Self.seed(&$0) }
        let before = try await store.load()
        await #expect(throws: ModelError.conflict("key/chat/other and key/chat/ci have the same key hash")) {
            try await store.update(actor: "a") { model in
                try model.createOrg(Org(id: "half-done"))
                try model.createKey(APIKey(id: "other", sha256: Self.hashA), project: "chat", org: "acme")
            }
        }
        await #expect(throws: ModelError.conflict("provider 'up' is used by route/chat/gpt; change or delete that route first")) {
            try await store.update(actor: "a") { try $0.deleteProvider("up") }
        }
        await #expect(throws: ModelError.notFound("org 'nope' does not exist")) {
            try await store.update(actor: "a") { try $0.revokeKey("ci", project: "chat", org: "nope", now: Date()) }
        }
        #expect(try await store.load() == before)
    }

    @Test("revoking, expiring and deleting keys; deleting a project takes its routes, keys and budgets", arguments: StoreBackend.available)
    func keysAndCascade(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        try await store.update(actor: "a") { try Self.seed(&$0) }
        let revokedAt = Date(timeIntervalSince1970: 1_850_000_000)
        try await store.update(actor: "a") { try $0.revokeKey("ci", project: "chat", org: "acme", now: revokedAt) }
        #expect(try await store.load().model.keys[.key(project: "chat", id: "ci")]?.revokedAt == revokedAt)
        try await store.update(actor: "a") { try $0.deleteProject("chat", org: "acme") }
        let model = try await store.load().model
        #expect(model.projects.isEmpty && model.routes.isEmpty && model.keys.isEmpty)
        // The project's budget rows went with it: recreating the project starts without one.
        try await store.update(actor: "a") { try $0.createProject(Project(id: "chat"), org: "acme") }
        #expect(try await store.load().model.projects["chat"]?.budget == nil)
        let audit = try await store.audit(limit: 3)
        #expect(audit.first?.object.ref == .project("chat") && audit.first?.action == .created)
        #expect(try await store.audit(limit: 10, objectPrefix: "key/").map(\.action) == [.deleted, .updated, .created])
    }

    @Test("the file applies idempotently and keeps what the admin API made", arguments: StoreBackend.available)
    func applyFile(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        let file = try ConfigFileLoader.load(
            yaml: """
                providers: [{ name: mock, kind: mock }]
                orgs:
                  - id: acme
                    projects:
                      - id: chat
                        routes: [{ model: m, targets: [{ provider: mock, model: m }] }]
                        keys: [{ id: ci, sha256: "\(Self.hashA)" }]
                      - id: old
                """)
        let first = try await store.apply(file, actor: "file:gateway.yaml")
        #expect(first.version == 1 && first.changes.count == 6)
        #expect(try await store.apply(file, actor: "file:gateway.yaml").changes.isEmpty)
        try await store.update(actor: "api") { model in
            try model.createProject(Project(id: "api-made"), org: "acme")
            try model.createKey(APIKey(id: "api-key", sha256: Self.hashB), project: "chat", org: "acme")
        }
        var edited = file
        edited.orgs[0].projects.removeLast()
        edited.orgs[0].projects[0].routes[0].targets[0].weight = 2
        let second = try await store.apply(edited, actor: "file:gateway.yaml")
        #expect(second.changes.compactMap(\.object.ref).sorted() == [.project("old"), .route(project: "chat", model: "m")])
        let model = try await store.load().model
        #expect(Set(model.projects.keys) == ["chat", "api-made"])
        #expect(model.keys[.key(project: "chat", id: "api-key")] != nil)
        #expect(model.fileManaged.contains(.project("chat")) && !model.fileManaged.contains(.project("api-made")))
    }

    @Test("concurrent changes each bump the version once and none is lost", arguments: StoreBackend.available)
    func concurrent(_ backend: StoreBackend) async throws {
        let (store, _) = try await open(backend)
        defer { Task { await store.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { try await store.update(actor: "w\(index)") { try $0.createOrg(Org(id: "org-\(index)")) } }
            }
            try await group.waitForAll()
        }
        let loaded = try await store.load()
        #expect(loaded.version == 20)
        #expect(loaded.model.orgs.count == 20)
        #expect(Set(try await store.audit(limit: 100).map(\.version)) == Set(1...20))
    }

    @Test(
        "the PostgreSQL cases run (GATEWAY_TEST_POSTGRES_URL names a server; scripts/test.sh starts one)",
        .enabled(if: StoreBackend.postgresURL != nil, "GATEWAY_TEST_POSTGRES_URL is not set: every PostgreSQL case of this suite is skipped"))
    func postgresRuns() async throws {
        #expect(StoreBackend.available.contains(.postgres))
        let store = try await ConfigStore.open(url: try await StoreBackend.postgres.emptyStoreURL(), logger: Logger(label: "test"))
        #expect(try await store.version() == 0)
        await store.close()
    }

    @Test("a second process on one SQLite file is refused with a clear message; the first keeps its store")
    func sqliteHeldByOne() async throws {
        let url = try await StoreBackend.sqlite.emptyStoreURL()
        let first = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        try await first.update(actor: "first") { try $0.createOrg(Org(id: "kept")) }
        do {
            let second = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
            await second.close()
            Issue.record("a second store opened the same file")
        } catch {
            #expect("\(error)".contains("in use by another gateway process"))
        }
        #expect(try await first.load().model.orgs.keys.contains("kept"))
        await first.close()
        let reopened = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        #expect(try await reopened.load().model.orgs.keys.contains("kept"), "closing lets the file go")
        await reopened.close()
    }

    @Test("an SQLite file deleted under a running store: writes answer store unavailable and the store reports unhealthy")
    func sqliteDeleted() async throws {
        let url = try await StoreBackend.sqlite.emptyStoreURL()
        let store = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        try await store.update(actor: "test") { try $0.createOrg(Org(id: "before")) }
        #expect(store.isHealthy)
        try FileManager.default.removeItem(atPath: String(url.dropFirst("sqlite:".count)))
        #expect(!store.isHealthy)
        await #expect(throws: StoreError.self) { try await store.update(actor: "test") { try $0.createOrg(Org(id: "after")) } }
        await store.close()
    }

    @Test("two control planes opening one PostgreSQL database together migrate it once and lose no change", arguments: StoreBackend.available.filter { $0 == .postgres })
    func twoControlPlanes(_ backend: StoreBackend) async throws {
        let url = try await backend.emptyStoreURL()
        let opened = await withTaskGroup(of: Result<ConfigStore, any Error>.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do { return .success(try await ConfigStore.open(url: url, logger: Logger(label: "test"))) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        defer { Task { for case .success(let store) in opened { await store.close() } } }
        let stores = try opened.map { try $0.get() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let store = stores[index % 2]
                group.addTask { try await store.update(actor: "cp\(index % 2)") { try $0.createOrg(Org(id: "org-\(index)")) } }
            }
            try await group.waitForAll()
        }
        let seen = try await stores[0].load()
        #expect(seen == (try await stores[1].load()), "both control planes read the same model")
        #expect(seen.version == 20 && seen.model.orgs.count == 20)
        #expect(Set(try await stores[1].audit(limit: 100).map(\.version)) == Set(1...20))
    }

    @Test("a store URL that is neither sqlite: nor postgres:// is refused with the expected forms")
    func badURL() async {
        await #expect(throws: StoreError.self) { try await ConfigStore.open(url: "mysql://x", logger: Logger(label: "test")) }
        await #expect(throws: StoreError.self) { try await ConfigStore.open(url: "postgres://", logger: Logger(label: "test")) }
    }

    @Test("the spend ledger adds batches, reads current periods, resets one, and survives a reopen", arguments: StoreBackend.available)
    func ledger(_ backend: StoreBackend) async throws {
        let (store, url) = try await open(backend)
        let month = SpendKey(scope: "project/chat", periodStart: 1_798_761_600_000)
        let old = SpendKey(scope: "project/chat", periodStart: 1_700_000_000_000)
        let total = SpendKey(scope: "key/chat/ci", periodStart: 0)
        try await store.addSpend([SpendDelta(key: month, microUSD: 150, requests: 2), SpendDelta(key: old, microUSD: 9, requests: 1)])
        let totals = try await store.exchange([SpendDelta(key: month, microUSD: 50, requests: 1), SpendDelta(key: total, microUSD: 7, requests: 1)], since: 1_790_000_000_000)
        #expect(totals == [month: 200, total: 7])
        await store.close()
        let reopened = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        #expect(try await reopened.spend(since: 1_790_000_000_000) == [month: 200, total: 7])
        try await reopened.resetSpend(month, actor: "ops")
        #expect(try await reopened.spend(since: 1_790_000_000_000) == [total: 7])
        let audit = try await reopened.audit(limit: 1)
        #expect(audit.first?.action == .reset && audit.first?.object.description == "spend/project/chat" && audit.first?.actor == "ops")
        await reopened.close()
    }
}
