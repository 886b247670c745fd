import Foundation
import GatewayModel

/// An org as the admin API lists it: its project ids, not their contents.
struct OrgView: Encodable {
    let id: String
    let telemetryTokenSha256: [String]
    let budget: Budget?
    let projects: [String]

    init(_ org: Org) {
        id = org.id
        telemetryTokenSha256 = org.telemetryTokenSha256
        budget = org.budget
        projects = org.projects.map(\.id)
    }
}

/// A project with its routes and keys (never a secret or a hash).
struct ProjectView: Encodable {
    let id: String
    let budget: Budget?
    let limits: RateLimits?
    let routes: [Route]
    let keys: [KeyView]

    init(_ project: Project) {
        id = project.id
        budget = project.budget
        limits = project.limits
        routes = project.routes
        keys = project.keys.map { KeyView($0, now: Date()) }
    }
}

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
    }
}

/// The answer to creating a key: the only time its secret is shown.
struct CreatedKeyView: Encodable {
    let key: String
    let details: KeyView
    let notice = "Store this key now: the gateway keeps only its SHA-256 and cannot show it again."
}

/// A price in USD per million tokens, and whether it overrides the built-in table.
struct PriceView: Encodable {
    let model: String
    let inputPerMillion: String
    let cachedInputPerMillion: String
    let outputPerMillion: String
    let takenOn: String?
    let source: String

    init(_ price: Price, overridden: Bool) {
        model = price.model
        inputPerMillion = MicroUSD.format(price.inputPerMillion)
        cachedInputPerMillion = MicroUSD.format(price.cachedInputPerMillion)
        outputPerMillion = MicroUSD.format(price.outputPerMillion)
        takenOn = overridden ? nil : price.takenOn
        source = overridden ? "configured" : "built-in"
    }
}

/// The outcome of a change: the version it produced and what it touched.
struct ChangeView: Encodable {
    let version: Int
    let changes: [AuditEntry]

    init(_ result: ConfigStore.ChangeResult) {
        version = result.version
        changes = result.changes
    }
}
