import Foundation
import GatewayModel

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
