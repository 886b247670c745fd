import Foundation
import GatewayModel
import Guardrails

/// A key as listed: its id, display prefix, state and dates.
struct KeyView: Encodable {
    let id: String
    let prefix: String?
    let status: String
    let createdAt: Date?
    let expiresAt: Date?
    let revokedAt: Date?
    let budget: Budget?
    let limits: RateLimits?
    /// Nil for a key that may call every operation.
    let scopes: [KeyScope]?
    let guardrails: GuardrailPolicy?
    /// Nil for a key that may call every MCP tool its project allows.
    let mcpTools: [String]?

    init(_ key: APIKey, now: Date) {
        id = key.id
        prefix = key.prefix
        status = key.revokedAt != nil ? "revoked" : (key.expiresAt.map { $0 <= now } ?? false) ? "expired" : "active"
        createdAt = key.createdAt
        expiresAt = key.expiresAt
        revokedAt = key.revokedAt
        budget = key.budget
        limits = key.limits
        scopes = key.scopes
        guardrails = key.guardrails
        mcpTools = key.mcpTools
    }
}
