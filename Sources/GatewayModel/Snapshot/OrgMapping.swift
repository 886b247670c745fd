/// What the collector needs from the configuration: which org owns each project, which org each
/// telemetry token reads, the configured names that may become metric labels, where each
/// provider is, and each org's own export destinations.
public struct OrgMapping: Sendable, Equatable, Codable {
    /// The reserved org label of traces whose project maps to no org; never shown to a tenant.
    public static let unattributed = "unattributed"

    /// Project id to org id.
    public var orgByProject: [String: String]
    /// SHA-256 hex of an org telemetry token to the org it reads.
    public var orgByTokenHash: [String: String]
    /// Every org id.
    public var orgs: Set<String>
    /// Model names clients may request or routes send upstream; other names become `other`.
    public var models: Set<String>
    /// Provider names.
    public var providers: Set<String>
    /// Provider name to its kind's GenAI name (`gen_ai.provider.name` of exported spans: `openai`, `anthropic`, `gcp.gemini`).
    public var providerKinds: [String: String]
    /// Provider name to the host of its base URL (`server.address` of exported spans).
    public var providerHosts: [String: String]
    /// Org id to the org's own export destinations (orgs without any are absent).
    public var exports: [String: ExportSettings]
    /// MCP server names of every project; others become `other` in metrics.
    public var mcpServers: Set<String> = []
    /// MCP tool names the allow-lists name; others become `other` in metrics.
    public var mcpTools: Set<String> = []

    /// Creates a mapping.
    public init(
        orgByProject: [String: String], orgByTokenHash: [String: String] = [:], orgs: Set<String>, models: Set<String> = [],
        providers: Set<String> = [], providerKinds: [String: String] = [:], providerHosts: [String: String] = [:],
        exports: [String: ExportSettings] = [:]
    ) {
        self.orgByProject = orgByProject
        self.orgByTokenHash = orgByTokenHash
        self.orgs = orgs
        self.models = models
        self.providers = providers
        self.providerKinds = providerKinds
        self.providerHosts = providerHosts
        self.exports = exports
    }

    /// The mapping of `config`.
    public init(config: GatewayConfig) {
        var orgByProject: [String: String] = [:]
        var orgByToken: [String: String] = [:]
        var models: Set<String> = []
        var exports: [String: ExportSettings] = [:]
        var mcpServers: Set<String> = []
        var mcpTools: Set<String> = []
        for org in config.orgs {
            if !org.export.otlp.isEmpty { exports[org.id] = org.export }
            for token in org.telemetryTokenSha256 { orgByToken[token] = org.id }
            for project in org.projects {
                orgByProject[project.id] = org.id
                for server in project.mcpServers {
                    mcpServers.insert(server.name)
                    mcpTools.formUnion(server.tools ?? [])
                }
                for key in project.keys { mcpTools.formUnion((key.mcpTools ?? []).compactMap { $0.split(separator: "/").last.map(String.init) }) }
                for route in project.routes {
                    models.insert(route.model)
                    for target in route.targets { models.insert(target.model) }
                }
            }
        }
        self.init(
            orgByProject: orgByProject, orgByTokenHash: orgByToken, orgs: Set(config.orgs.map(\.id)), models: models,
            providers: Set(config.providers.map(\.name)),
            providerKinds: Dictionary(uniqueKeysWithValues: config.providers.map { ($0.name, $0.kind.genAIName) }),
            providerHosts: Dictionary(uniqueKeysWithValues: config.providers.compactMap { provider in provider.host.map { (provider.name, $0) } }),
            exports: exports)
        self.mcpServers = mcpServers
        self.mcpTools = mcpTools
    }
}
