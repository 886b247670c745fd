import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird

/// `/admin/v1`: create, read, change and delete the model, behind the platform admin token.
/// Every change goes through the store in one transaction, bumps the configuration version and
/// is written to the audit log under the `x-gateway-actor` header (default `admin`).
public struct AdminAPI: Sendable {
    let controlPlane: ControlPlaneService
    let token: PlatformToken
    let now: @Sendable () -> Date
    let onSpendReset: @Sendable (SpendKey) -> Void

    /// Creates the API over `controlPlane`; `onSpendReset` is told of each reset spend, so that a
    /// data plane in the same process stops counting it before its next ledger exchange.
    public init(
        controlPlane: ControlPlaneService, token: PlatformToken, now: @escaping @Sendable () -> Date = Date.init,
        onSpendReset: @escaping @Sendable (SpendKey) -> Void = { _ in }
    ) {
        self.controlPlane = controlPlane
        self.token = token
        self.now = now
        self.onSpendReset = onSpendReset
    }

    /// Adds the routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let admin = router.group("/admin/v1").add(middleware: PlatformTokenMiddleware(token: token))
        admin.get("version") { request, _ in
            try await guarded(request) { ["version": try await controlPlane.store.version()] }
        }
        admin.get("audit") { request, _ in
            try await guarded(request) {
                let query = request.uri.queryParameters
                let limit = max(1, min(1000, query["limit"].flatMap { Int(String($0)) } ?? 100))
                return ["entries": try await controlPlane.store.audit(limit: limit, objectPrefix: query["object"].map(String.init))]
            }
        }
        admin.post("apply") { request, _ in
            try await guarded(request, status: .ok) {
                let buffer = try await request.body.collect(upTo: 16 << 20)
                let config: GatewayConfig
                do {
                    config = try ConfigFileLoader.load(yaml: String(buffer: buffer))
                } catch let error as ConfigError {
                    throw ModelError.invalid(field: error.issues.first?.path ?? "", message: error.description)
                }
                let result = try await change(request) { try $0 = $0.applying(providers: config.providers, orgs: config.orgs, prices: config.prices) }
                return ChangeView(result)
            }
        }
        addProviders(admin)
        addPrices(admin)
        addSpend(admin)
        addOrgs(admin)
        addProjects(admin.group("orgs/{org}/projects"))
        addRoutes(admin.group("orgs/{org}/projects/{project}/routes"))
        addKeys(admin.group("orgs/{org}/projects/{project}/keys"))
    }

    // MARK: Providers

    private func addProviders(_ admin: RouterGroup<BasicRequestContext>) {
        admin.get("providers") { request, _ in
            try await guarded(request) { ["providers": try await model().tree.providers] }
        }
        admin.post("providers") { request, _ in
            try await guarded(request, status: .created) {
                let provider = try await readProvider(request)
                try await change(request) { try $0.createProvider(provider) }
                return provider
            }
        }
        admin.get("providers/{name}") { request, context in
            try await guarded(request) {
                let name = try context.parameters.require("name")
                guard let provider = try await model().providers[name] else { throw ModelError.notFound("provider '\(name)' does not exist") }
                return provider
            }
        }
        admin.put("providers/{name}") { request, context in
            try await guarded(request) {
                let provider = try await readProvider(request, name: try context.parameters.require("name"))
                try await change(request) { try $0.replaceProvider(provider) }
                return provider
            }
        }
        admin.delete("providers/{name}") { request, context in
            try await guarded(request) {
                let name = try context.parameters.require("name")
                return ChangeView(try await change(request) { try $0.deleteProvider(name) })
            }
        }
    }

    private func readProvider(_ request: Request, name: String? = nil) async throws -> ProviderConfig {
        let body = try await AdminBody.read(request, path: name.map { ["name": $0] } ?? [:])
        return try body.checked(ConfigReader(log: body.logForReading).readProvider(body.value))
    }

    // MARK: Prices

    private func addPrices(_ admin: RouterGroup<BasicRequestContext>) {
        admin.get("prices") { request, _ in
            try await guarded(request) {
                let overrides = try await model().prices
                let merged = PriceTable.builtIn.merging(overrides) { _, override in override }
                return ["prices": merged.values.sorted { $0.model < $1.model }.map { PriceView($0, overridden: overrides[$0.model] != nil) }]
            }
        }
        admin.put("prices/{model}") { request, context in
            try await guarded(request) {
                let body = try await AdminBody.read(request, path: ["model": try Self.modelName(context)])
                let price = try body.checked(ConfigReader(log: body.logForReading).readPrice(body.value))
                try await change(request) { $0.setPrice(price) }
                return PriceView(price, overridden: true)
            }
        }
        admin.delete("prices/{model}") { request, context in
            try await guarded(request) {
                let model = try Self.modelName(context)
                return ChangeView(try await change(request) { try $0.deletePrice(model) })
            }
        }
    }

    // MARK: Orgs

    private func addOrgs(_ admin: RouterGroup<BasicRequestContext>) {
        admin.get("orgs") { request, _ in
            try await guarded(request) { ["orgs": try await model().tree.orgs.map(OrgView.init)] }
        }
        admin.post("orgs") { request, _ in
            try await guarded(request, status: .created) {
                let org = try await readOrg(request)
                try await change(request) { try $0.createOrg(org) }
                return OrgView(org)
            }
        }
        admin.get("orgs/{org}") { request, context in
            try await guarded(request) { OrgView(try await org(try context.parameters.require("org"))) }
        }
        admin.put("orgs/{org}") { request, context in
            try await guarded(request) {
                let org = try await readOrg(request, id: try context.parameters.require("org"))
                try await change(request) { try $0.updateOrg(org) }
                return OrgView(try await self.org(org.id))
            }
        }
        admin.delete("orgs/{org}") { request, context in
            try await guarded(request) {
                let id = try context.parameters.require("org")
                return ChangeView(try await change(request) { try $0.deleteOrg(id) })
            }
        }
        addScoped(admin, path: "orgs/{org}") { _, context in .org(try context.parameters.require("org")) }
    }

    private func readOrg(_ request: Request, id: String? = nil) async throws -> Org {
        let body = try await AdminBody.read(request, path: id.map { ["id": $0] } ?? [:])
        return try body.checked(ConfigReader(log: body.logForReading).readOrg(body.value, providers: try await providerNames()))
    }

    private func org(_ id: String) async throws -> Org {
        guard let org = try await model().tree.orgs.first(where: { $0.id == id }) else { throw ModelError.notFound("org '\(id)' does not exist") }
        return org
    }

    // MARK: Projects

    private func addProjects(_ projects: RouterGroup<BasicRequestContext>) {
        projects.get { request, context in
            try await guarded(request) { ["projects": try await org(try context.parameters.require("org")).projects.map(ProjectView.init)] }
        }
        projects.post { request, context in
            try await guarded(request, status: .created) {
                let org = try context.parameters.require("org")
                let body = try await AdminBody.read(request)
                let project = try body.checked(ConfigReader(log: body.logForReading).readProject(body.value, providers: try await providerNames()))
                try await change(request) { try $0.createProject(project, org: org) }
                return ProjectView(try await self.project(project.id, org: org))
            }
        }
        projects.get("{project}") { request, context in
            try await guarded(request) {
                ProjectView(try await project(try context.parameters.require("project"), org: try context.parameters.require("org")))
            }
        }
        projects.delete("{project}") { request, context in
            try await guarded(request) {
                let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
                return ChangeView(try await change(request) { try $0.deleteProject(project, org: org) })
            }
        }
        projects.put("{project}/mcp-servers") { request, context in
            try await guarded(request) {
                let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
                let body = try await AdminBody.read(request)
                let reader = ConfigReader(log: body.logForReading)
                let list = body.value.fields(allowed: ["servers"])?.required("servers")?.list
                reader.checkUnique(list ?? [], key: "name", what: "MCP server name")
                let servers = try body.checked(list.map { $0.compactMap(reader.readMCPServer) })
                return ChangeView(try await change(request) { try $0.setMCPServers(servers, project: project, org: org) })
            }
        }
        addScoped(projects, path: "{project}", projectOrKey: true) { _, context in
            let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
            try await model().requireProject(project, org: org)
            return .project(project)
        }
    }

    func project(_ id: String, org: String) async throws -> Project {
        let model = try await model()
        try model.requireProject(id, org: org)
        return model.tree.orgs.first { $0.id == org }!.projects.first { $0.id == id }!
    }

    // MARK: Budgets and limits

    /// `PUT`/`DELETE path/budget` (and `path/limits` and `path/guardrails` for a project or key) for the object `ref` names.
    func addScoped(
        _ group: RouterGroup<BasicRequestContext>, path: String, projectOrKey: Bool = false,
        ref: @escaping @Sendable (Request, BasicRequestContext) async throws -> ObjectRef
    ) {
        group.put("\(path)/budget") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                let body = try await AdminBody.read(request)
                let budget = try body.checked(ConfigReader(log: body.logForReading).readBudget(body.value))
                return ChangeView(try await change(request) { try $0.setBudget(budget, on: target) })
            }
        }
        group.delete("\(path)/budget") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                return ChangeView(try await change(request) { try $0.setBudget(nil, on: target) })
            }
        }
        guard projectOrKey else { return }
        group.put("\(path)/limits") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                let body = try await AdminBody.read(request)
                let limits = try body.checked(ConfigReader(log: body.logForReading).readLimits(body.value))
                return ChangeView(try await change(request) { try $0.setLimits(limits, on: target) })
            }
        }
        group.delete("\(path)/limits") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                return ChangeView(try await change(request) { try $0.setLimits(nil, on: target) })
            }
        }
        group.put("\(path)/guardrails") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                let body = try await AdminBody.read(request)
                let guardrails = try body.checked(ConfigReader(log: body.logForReading).readGuardrails(body.value))
                return ChangeView(try await change(request) { try $0.setGuardrails(guardrails, on: target) })
            }
        }
        group.delete("\(path)/guardrails") { request, context in
            try await guarded(request) {
                let target = try await ref(request, context)
                return ChangeView(try await change(request) { try $0.setGuardrails(nil, on: target) })
            }
        }
    }

    // MARK: Plumbing

    /// Runs `body` and encodes its result, turning thrown errors into their 4xx or 503 answers.
    func guarded(
        _ request: Request, status: HTTPResponse.Status = .ok, _ body: () async throws -> some Encodable
    ) async throws -> Response {
        do {
            return APIResponse.json(try await body(), status: status)
        } catch {
            return APIResponse.error(for: error)
        }
    }

    /// Applies `edit` as the request's actor.
    @discardableResult
    func change(_ request: Request, _ edit: @escaping @Sendable (inout StoredModel) throws -> Void) async throws -> ConfigStore.ChangeResult {
        try await controlPlane.update(actor: actor(of: request), edit)
    }

    /// Who the audit log names for `request`: its `x-gateway-actor` header, else `admin`.
    func actor(of request: Request) -> String {
        request.headers[HTTPField.Name("x-gateway-actor")!].map { String($0.prefix(100)) } ?? "admin"
    }

    func model() async throws -> StoredModel { try await controlPlane.store.load().model }

    /// The `{model}` path parameter, percent-decoded: models such as `meta-llama/Llama-3.1-8B`
    /// travel as `meta-llama%2FLlama-3.1-8B`.
    static func modelName(_ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require("model")
        return raw.removingPercentEncoding ?? raw
    }

    private func providerNames() async throws -> Set<String> { Set(try await model().providers.keys) }
}

extension AdminBody {
    /// The issue log the config readers write to.
    var logForReading: IssueLog { value.log }
}
