import Guardrails

import struct Foundation.Date

/// What a valid API key grants: the identity of the key and the project it acts for. One value
/// per key and snapshot, shared by every request that presents the key.
public final class KeyGrant: Sendable, Equatable {
    /// The key's id (never the secret).
    public let keyID: String
    /// The project the key acts for.
    public let projectID: String
    /// The organization that owns the project.
    public let orgID: String
    /// When the key stops working, if ever.
    public let expiresAt: Date?
    /// When an operator revoked the key, if ever.
    public let revokedAt: Date?
    /// Budgets that apply to the key's requests: its org's, its project's and its own.
    public let budgets: [ScopedBudget]
    /// Rate limits that apply to the key's requests: its project's and its own.
    public let limits: [ScopedLimits]
    /// The operations the key may call; nil for every operation.
    public let scopes: [KeyScope]?
    /// The guardrails of the key's requests: its project's, tightened by its own; nil for none.
    public let guardrails: GuardrailSet?
    /// The MCP tools (`server/tool`) the key may call within its project's lists; nil for all they allow.
    public let mcpTools: Set<String>?

    /// Creates a grant.
    public init(
        keyID: String, projectID: String, orgID: String, expiresAt: Date?, revokedAt: Date? = nil, budgets: [ScopedBudget] = [],
        limits: [ScopedLimits] = [], scopes: [KeyScope]? = nil, guardrails: GuardrailSet? = nil, mcpTools: Set<String>? = nil
    ) {
        self.mcpTools = mcpTools
        self.keyID = keyID
        self.projectID = projectID
        self.orgID = orgID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.budgets = budgets
        self.limits = limits
        self.scopes = scopes
        self.guardrails = guardrails
    }

    /// Whether the key may call `scope`.
    public func allows(_ scope: KeyScope) -> Bool { scopes?.contains(scope) ?? true }

    /// Whether the key may call `tool` of `server`: the server's allow-list, then the key's.
    public func mayCall(tool: String, of server: MCPServer) -> Bool {
        (server.tools?.contains(tool) ?? true) && (mcpTools?.contains("\(server.name)/\(tool)") ?? true)
    }

    /// Whether the key has expired at `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }

    /// Whether two grants grant the same, field by field.
    public static func == (lhs: KeyGrant, rhs: KeyGrant) -> Bool {
        lhs.keyID == rhs.keyID && lhs.projectID == rhs.projectID && lhs.orgID == rhs.orgID && lhs.expiresAt == rhs.expiresAt
            && lhs.revokedAt == rhs.revokedAt && lhs.budgets == rhs.budgets && lhs.limits == rhs.limits && lhs.scopes == rhs.scopes
            && lhs.guardrails == rhs.guardrails && lhs.mcpTools == rhs.mcpTools
    }
}
