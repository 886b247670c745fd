import Guardrails

/// The editable model the control plane stores: every object keyed by id, plus which objects the
/// configuration file manages. ``tree`` gives the nested form snapshots carry.
public struct StoredModel: Sendable, Equatable {
    /// What an org holds besides its projects.
    public struct OrgRecord: Sendable, Equatable {
        /// SHA-256 hashes of the org's telemetry tokens.
        public var telemetryTokenSha256: [String]
        /// The org's USD budget.
        public var budget: Budget?
        /// The org's own export destinations.
        public var export: ExportSettings

        /// Creates a record.
        public init(telemetryTokenSha256: [String], budget: Budget?, export: ExportSettings = .init()) {
            self.telemetryTokenSha256 = telemetryTokenSha256
            self.budget = budget
            self.export = export
        }
    }
    /// What a project holds besides its routes and keys.
    public struct ProjectRecord: Sendable, Equatable {
        /// The org the project belongs to.
        public var org: String
        /// The project's USD budget.
        public var budget: Budget?
        /// The project's rate limits.
        public var limits: RateLimits?
        /// The project's guardrails.
        public var guardrails: GuardrailPolicy?
        /// The project's MCP servers.
        public var mcpServers: [MCPServer]

        /// Creates a record.
        public init(org: String, budget: Budget?, limits: RateLimits?, guardrails: GuardrailPolicy? = nil, mcpServers: [MCPServer] = []) {
            self.mcpServers = mcpServers
            self.org = org
            self.budget = budget
            self.limits = limits
            self.guardrails = guardrails
        }
    }

    /// Providers by name.
    public var providers: [String: ProviderConfig] = [:]
    /// Orgs by id.
    public var orgs: [String: OrgRecord] = [:]
    /// Projects by id (project ids are unique across orgs).
    public var projects: [String: ProjectRecord] = [:]
    /// Routes by `.route(project:model:)`.
    public var routes: [ObjectRef: Route] = [:]
    /// Keys by `.key(project:id:)`.
    public var keys: [ObjectRef: APIKey] = [:]
    /// Price overrides by model name.
    public var prices: [String: Price] = [:]
    /// Objects the configuration file declares; the rest were made through the admin API.
    public var fileManaged: Set<ObjectRef> = []

    /// An empty model.
    public init() {}

    /// The model of a nested configuration.
    public init(providers: [ProviderConfig], orgs: [Org], prices: [Price] = []) {
        for provider in providers { self.providers[provider.name] = provider }
        for price in prices { self.prices[price.model] = price }
        for org in orgs {
            self.orgs[org.id] = OrgRecord(telemetryTokenSha256: org.telemetryTokenSha256, budget: org.budget, export: org.export)
            for project in org.projects {
                projects[project.id] = ProjectRecord(
                    org: org.id, budget: project.budget, limits: project.limits, guardrails: project.guardrails, mcpServers: project.mcpServers)
                for route in project.routes { routes[.route(project: project.id, model: route.model)] = route }
                for key in project.keys { keys[.key(project: project.id, id: key.id)] = key }
            }
        }
    }

    /// Every object of the model.
    public var refs: Set<ObjectRef> {
        var refs = Set(providers.keys.map(ObjectRef.provider))
        refs.formUnion(orgs.keys.map(ObjectRef.org))
        refs.formUnion(projects.keys.map(ObjectRef.project))
        refs.formUnion(routes.keys)
        refs.formUnion(keys.keys)
        refs.formUnion(prices.keys.map(ObjectRef.price))
        return refs
    }

    /// The nested form, sorted by id, that snapshots and the file use.
    public var tree: (providers: [ProviderConfig], orgs: [Org], prices: [Price]) {
        var projectsByOrg: [String: [Project]] = [:]
        var routesByProject: [String: [Route]] = [:]
        var keysByProject: [String: [APIKey]] = [:]
        for (ref, route) in routes { if case .route(let project, _) = ref { routesByProject[project, default: []].append(route) } }
        for (ref, key) in keys { if case .key(let project, _) = ref { keysByProject[project, default: []].append(key) } }
        for (id, record) in projects {
            projectsByOrg[record.org, default: []].append(
                Project(
                    id: id, routes: (routesByProject[id] ?? []).sorted { $0.model < $1.model },
                    keys: (keysByProject[id] ?? []).sorted { $0.id < $1.id }, budget: record.budget, limits: record.limits,
                    guardrails: record.guardrails, mcpServers: record.mcpServers))
        }
        let orgs = self.orgs.map { id, record in
            Org(
                id: id, projects: (projectsByOrg[id] ?? []).sorted { $0.id < $1.id }, telemetryTokenSha256: record.telemetryTokenSha256,
                budget: record.budget, export: record.export)
        }
        return (providers.values.sorted { $0.name < $1.name }, orgs.sorted { $0.id < $1.id }, prices.values.sorted { $0.model < $1.model })
    }

    /// The org that owns `project`, if the project exists.
    public func org(ofProject project: String) -> String? { projects[project]?.org }

    /// Checks references across objects: every route target names a provider, every key hash and
    /// telemetry token is used once, and every route and key belongs to a project.
    public func checkIntegrity() throws(ModelError) {
        for (ref, route) in routes {
            guard case .route(let project, _) = ref, projects[project] != nil else {
                throw .conflict("\(ref) belongs to no project")
            }
            for target in route.targets where providers[target.provider] == nil {
                throw .conflict("\(ref) sends to provider '\(target.provider)', which does not exist")
            }
        }
        var hashes: [String: ObjectRef] = [:]
        for (ref, key) in keys.sorted(by: { $0.key < $1.key }) {
            guard case .key(let project, _) = ref, projects[project] != nil else { throw .conflict("\(ref) belongs to no project") }
            if let other = hashes.updateValue(ref, forKey: key.sha256) { throw .conflict("\(ref) and \(other) have the same key hash") }
        }
        var tokens: [String: String] = [:]
        for (org, record) in orgs {
            for token in record.telemetryTokenSha256 {
                if let other = tokens.updateValue(org, forKey: token), other != org {
                    throw .conflict("org/\(org) and org/\(other) share a telemetry token hash")
                }
            }
        }
        for (id, record) in projects where orgs[record.org] == nil { throw .conflict("project/\(id) belongs to missing org/\(record.org)") }
    }
}
