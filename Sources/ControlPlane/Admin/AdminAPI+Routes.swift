import Foundation
import GatewayModel
import Hummingbird

extension AdminAPI {
    /// `/admin/v1/orgs/{org}/projects/{project}/routes[/{model}]`.
    func addRoutes(_ routes: RouterGroup<BasicRequestContext>) {
        routes.get { request, context in
            try await guarded(request) {
                ["routes": try await project(try context.parameters.require("project"), org: try context.parameters.require("org")).routes]
            }
        }
        routes.post { request, context in
            try await guarded(request, status: .created) {
                let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
                let route = try await readRoute(request)
                try await change(request) { try $0.createRoute(route, project: project, org: org) }
                return route
            }
        }
        routes.get("{model}") { request, context in
            try await guarded(request) {
                let model = try Self.modelName(context)
                let project = try await project(try context.parameters.require("project"), org: try context.parameters.require("org"))
                guard let route = project.routes.first(where: { $0.model == model }) else {
                    throw ModelError.notFound("model '\(model)' is not routed in project '\(project.id)'")
                }
                return route
            }
        }
        routes.put("{model}") { request, context in
            try await guarded(request) {
                let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
                let route = try await readRoute(request, model: try Self.modelName(context))
                try await change(request) { try $0.replaceRoute(route, project: project, org: org) }
                return route
            }
        }
        routes.delete("{model}") { request, context in
            try await guarded(request) {
                let (org, project, model) = (try context.parameters.require("org"), try context.parameters.require("project"), try Self.modelName(context))
                return ChangeView(try await change(request) { try $0.deleteRoute(model: model, project: project, org: org) })
            }
        }
    }

    private func readRoute(_ request: Request, model: String? = nil) async throws -> Route {
        let body = try await AdminBody.read(request, path: model.map { ["model": $0] } ?? [:])
        let providers = Set(try await self.model().providers.keys)
        return try body.checked(ConfigReader(log: body.logForReading).readRoute(body.value, providers: providers))
    }

    /// `/admin/v1/orgs/{org}/projects/{project}/keys[/{key}[/revoke|/expire]]`.
    func addKeys(_ keys: RouterGroup<BasicRequestContext>) {
        keys.get { request, context in
            try await guarded(request) {
                let project = try await project(try context.parameters.require("project"), org: try context.parameters.require("org"))
                let prefix = request.uri.queryParameters["prefix"].map(String.init)
                let matching = project.keys.filter { key in
                    guard let prefix else { return true }
                    guard let own = key.prefix else { return false }
                    return own.hasPrefix(prefix) || prefix.hasPrefix(own)
                }
                return ["keys": matching.map { KeyView($0, now: now()) }]
            }
        }
        keys.post { request, context in
            try await guarded(request, status: .created) {
                let (org, project) = (try context.parameters.require("org"), try context.parameters.require("project"))
                let body = try await AdminBody.read(request)
                let reader = ConfigReader(log: body.logForReading)
                let fields = body.value.fields(allowed: ["id", "expiresAt", "budget", "limits", "scopes", "guardrails"])
                let id = fields?.required("id")?.identifier
                let expiresAt = fields?["expiresAt"]?.date
                let budget = fields?["budget"].flatMap(reader.readBudget)
                let limits = fields?["limits"].flatMap(reader.readLimits)
                let scopes = fields?["scopes"].flatMap(reader.readScopes)
                let guardrails = fields?["guardrails"].flatMap(reader.readGuardrails)
                let secret = KeyGenerator.generate()
                let key = APIKey(
                    id: try body.checked(id), sha256: KeyHasher.sha256Hex(secret), prefix: String(secret.prefix(KeyGenerator.prefix.count + 6)),
                    expiresAt: expiresAt, createdAt: now(), budget: budget, limits: limits, scopes: scopes,
                    guardrails: guardrails)
                try await change(request) { try $0.createKey(key, project: project, org: org) }
                return CreatedKeyView(key: secret, details: KeyView(key, now: now()))
            }
        }
        keys.get("{key}") { request, context in
            try await guarded(request) {
                let (org, project, id) = (try context.parameters.require("org"), try context.parameters.require("project"), try context.parameters.require("key"))
                return KeyView(try await model().key(id, project: project, org: org), now: now())
            }
        }
        keys.delete("{key}") { request, context in
            try await guarded(request) {
                let (org, project, id) = (try context.parameters.require("org"), try context.parameters.require("project"), try context.parameters.require("key"))
                return ChangeView(try await change(request) { try $0.deleteKey(id, project: project, org: org) })
            }
        }
        keys.post("{key}/revoke") { request, context in
            try await guarded(request) {
                let (org, project, id) = (try context.parameters.require("org"), try context.parameters.require("project"), try context.parameters.require("key"))
                let at = now()
                try await change(request) { try $0.revokeKey(id, project: project, org: org, now: at) }
                return KeyView(try await model().key(id, project: project, org: org), now: now())
            }
        }
        keys.post("{key}/expire") { request, context in
            try await guarded(request) {
                let (org, project, id) = (try context.parameters.require("org"), try context.parameters.require("project"), try context.parameters.require("key"))
                let body = try await AdminBody.read(request, optional: true)
                let fields = body.value.fields(allowed: ["expiresAt"])
                let at = fields?["expiresAt"].map { $0.date } ?? now()
                let date = try body.checked(at)
                try await change(request) { try $0.expireKey(id, project: project, org: org, at: date) }
                return KeyView(try await model().key(id, project: project, org: org), now: now())
            }
        }
        addScoped(keys, path: "{key}", projectOrKey: true) { _, context in
            let (org, project, id) = (try context.parameters.require("org"), try context.parameters.require("project"), try context.parameters.require("key"))
            _ = try await model().key(id, project: project, org: org)
            return .key(project: project, id: id)
        }
    }
}
