import Guardrails

import struct Foundation.Date

/// An immutable, indexed view of one configuration version, as the data plane reads it: a
/// class, so that the request stages that carry it share one reference instead of copying
/// (and retaining) each of its tables.
///
/// Requests read one snapshot from start to end; applying a new configuration swaps the whole
/// snapshot, so a request never sees half of a change.
public final class SnapshotIndex: Sendable {
    /// Monotonic configuration version.
    public let version: Int
    /// The configuration this snapshot was built from.
    public let config: GatewayConfig
    /// The project→org mapping and label sets the collector uses.
    public let orgMapping: OrgMapping
    /// Every scope with a budget or rate limits, for the metrics of where each stands.
    public let caps: [ScopeCaps]
    private let keysByDigest: [KeyDigest: KeyGrant]
    private let routesByProject: [String: [String: (route: Route, prices: RoutePrices)]]
    private let mcpServersByProject: [String: [String: MCPServer]]
    private let providersByName: [String: ProviderConfig]
    private let pricesByModel: [String: Price]

    /// Builds the indexes of `config`. The configuration must have passed validation.
    public init(version: Int, config: GatewayConfig) {
        self.version = version
        self.config = config
        self.orgMapping = OrgMapping(config: config)
        var caps: [ScopeCaps] = []
        var keys: [KeyDigest: KeyGrant] = [:]
        let prices = PriceTable.builtIn.merging(config.prices.map { ($0.model, $0) }) { _, configured in configured }
        var routes: [String: [String: (route: Route, prices: RoutePrices)]] = [:]
        var mcp: [String: [String: MCPServer]] = [:]
        for org in config.orgs {
            let orgCaps = ScopeCaps(level: .org, org: org.id, budget: org.budget, limits: nil)
            if orgCaps.isCapped { caps.append(orgCaps) }
            for project in org.projects {
                let projectCaps = ScopeCaps(level: .project, org: org.id, project: project.id, budget: project.budget, limits: project.limits)
                if projectCaps.isCapped { caps.append(projectCaps) }
                // Keys without a policy of their own share their project's scanners.
                let projectGuardrails = GuardrailSet(active: project.guardrails)
                for key in project.keys {
                    let keyCaps = ScopeCaps(level: .key, org: org.id, project: project.id, key: key.id, budget: key.budget, limits: key.limits)
                    if keyCaps.isCapped { caps.append(keyCaps) }
                    let scopes = [orgCaps, projectCaps, keyCaps]
                    // Validation admits well-formed hashes only; another could match no presented key.
                    guard let digest = KeyDigest(hex: key.sha256) else { continue }
                    keys[digest] = KeyGrant(
                        keyID: key.id, projectID: project.id, orgID: org.id, expiresAt: key.expiresAt, revokedAt: key.revokedAt,
                        budgets: scopes.compactMap { caps in caps.budget.map { ScopedBudget(scope: caps.name, budget: $0) } },
                        limits: scopes.compactMap { caps in caps.limits.map { ScopedLimits(scope: caps.name, limits: $0) } },
                        scopes: key.scopes,
                        guardrails: key.guardrails == nil
                            ? projectGuardrails : GuardrailSet(active: GuardrailPolicy.effective(project: project.guardrails, key: key.guardrails)),
                        mcpTools: key.mcpTools.map(Set.init))
                }
                routes[project.id] = Dictionary(
                    project.routes.map { ($0.model, ($0, RoutePrices(route: $0) { prices[$0] })) }, uniquingKeysWith: { first, _ in first })
                mcp[project.id] = Dictionary(project.mcpServers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
        }
        self.caps = caps
        self.keysByDigest = keys
        self.routesByProject = routes
        self.mcpServersByProject = mcp
        self.providersByName = Dictionary(config.providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.pricesByModel = prices
    }

    /// The grant of the key whose SHA-256 hex is `hash`, if any.
    public func key(hash: String) -> KeyGrant? { KeyDigest(hex: hash).flatMap { keysByDigest[$0] } }

    /// The grant of the key whose SHA-256 is `digest`, if any.
    public func key(digest: KeyDigest) -> KeyGrant? { keysByDigest[digest] }

    /// The route for `model` in `project`, with the prices its worst case is taken from, if the
    /// project routes that model.
    public func route(model: String, project: String) -> (route: Route, prices: RoutePrices)? { routesByProject[project]?[model] }

    /// The MCP server `name` of `project`, if the project has one.
    public func mcpServer(named name: String, project: String) -> MCPServer? { mcpServersByProject[project]?[name] }

    /// Models routed for `project`, sorted by name.
    public func models(project: String) -> [String] { (routesByProject[project]?.keys).map { $0.sorted() } ?? [] }

    /// The provider named `name`, if configured.
    public func provider(named name: String) -> ProviderConfig? { providersByName[name] }

    /// The price of `model`: the configured one, else the built-in one; nil when the model has no price.
    public func price(model: String) -> Price? { pricesByModel[model] }
}
