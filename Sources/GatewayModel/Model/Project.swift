import Guardrails

/// A project inside an organization: its keys may call the models its routes name.
public struct Project: Sendable, Equatable, Codable {
    /// Project id, unique across the whole configuration.
    public var id: String
    /// Models this project may call and where they go.
    public var routes: [Route]
    /// API keys that act for this project.
    public var keys: [APIKey]
    /// Spending cap of the project.
    public var budget: Budget?
    /// Request and token rate caps shared by the project's keys.
    public var limits: RateLimits?
    /// Checks on the project's prompts and answers.
    public var guardrails: GuardrailPolicy?
    /// MCP servers the project's keys reach at `/mcp/{project}/{server}`.
    public var mcpServers: [MCPServer]

    /// Creates a project.
    public init(
        id: String, routes: [Route] = [], keys: [APIKey] = [], budget: Budget? = nil, limits: RateLimits? = nil,
        guardrails: GuardrailPolicy? = nil, mcpServers: [MCPServer] = []
    ) {
        self.mcpServers = mcpServers
        self.id = id
        self.routes = routes
        self.keys = keys
        self.budget = budget
        self.limits = limits
        self.guardrails = guardrails
    }
}
