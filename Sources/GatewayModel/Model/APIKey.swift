import Guardrails

import struct Foundation.Date

/// A client API key, known only by the SHA-256 of its secret.
public struct APIKey: Sendable, Equatable, Codable {
    /// Key id, unique within its project; shown in telemetry instead of the secret.
    public var id: String
    /// Lowercase hex SHA-256 of the whole key string.
    public var sha256: String
    /// The first characters of the secret (e.g. `sk-gw-3fQa`), for telling keys apart in listings;
    /// nil for keys declared by hash only.
    public var prefix: String?
    /// When the key stops working; nil for never.
    public var expiresAt: Date?
    /// When an operator revoked the key; a revoked key is refused with `key_revoked`.
    public var revokedAt: Date?
    /// When the key was created through the admin API.
    public var createdAt: Date?
    /// Spending cap of this key.
    public var budget: Budget?
    /// Request and token rate caps of this key.
    public var limits: RateLimits?
    /// The operations the key may call, sorted; nil for every operation.
    public var scopes: [KeyScope]?
    /// Checks of the key's own, which can only tighten its project's.
    public var guardrails: GuardrailPolicy?
    /// The MCP tools (`server/tool`) the key may call, narrowing its project's lists; nil for all they allow.
    public var mcpTools: [String]?

    /// Creates a key record.
    public init(
        id: String, sha256: String, prefix: String? = nil, expiresAt: Date? = nil, revokedAt: Date? = nil, createdAt: Date? = nil,
        budget: Budget? = nil, limits: RateLimits? = nil, scopes: [KeyScope]? = nil, guardrails: GuardrailPolicy? = nil, mcpTools: [String]? = nil
    ) {
        self.mcpTools = mcpTools
        self.id = id
        self.sha256 = sha256
        self.prefix = prefix
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.createdAt = createdAt
        self.budget = budget
        self.limits = limits
        self.scopes = scopes.map(KeyScope.normalized)
        self.guardrails = guardrails
    }
}
