import Foundation
import GatewayModel
import Guardrails

/// A project with its routes and keys (never a secret or a hash).
struct ProjectView: Encodable {
    let id: String
    let budget: Budget?
    let limits: RateLimits?
    let guardrails: GuardrailPolicy?
    let mcpServers: [MCPServer]
    let routes: [Route]
    let keys: [KeyView]

    init(_ project: Project) {
        id = project.id
        budget = project.budget
        limits = project.limits
        guardrails = project.guardrails
        mcpServers = project.mcpServers
        routes = project.routes
        keys = project.keys.map { KeyView($0, now: Date()) }
    }
}
