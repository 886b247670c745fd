import Guardrails

import struct Foundation.Date

/// The changes the admin API and the configuration file make. Each checks its preconditions and
/// throws ``ModelError`` naming what is missing or in the way; none leaves the model half changed.
extension StoredModel {
    // MARK: Providers

    /// Adds a provider; 409 when the name is taken.
    public mutating func createProvider(_ provider: ProviderConfig) throws(ModelError) {
        guard providers[provider.name] == nil else { throw .conflict("provider '\(provider.name)' already exists") }
        providers[provider.name] = provider
    }

    /// Replaces a provider's settings.
    public mutating func replaceProvider(_ provider: ProviderConfig) throws(ModelError) {
        guard providers[provider.name] != nil else { throw .notFound("provider '\(provider.name)' does not exist") }
        providers[provider.name] = provider
    }

    /// Removes a provider no route sends to.
    public mutating func deleteProvider(_ name: String) throws(ModelError) {
        guard providers[name] != nil else { throw .notFound("provider '\(name)' does not exist") }
        if let (ref, _) = routes.first(where: { $0.value.targets.contains { $0.provider == name } }) {
            throw .conflict("provider '\(name)' is used by \(ref); change or delete that route first")
        }
        providers[name] = nil
        fileManaged.remove(.provider(name))
    }

    // MARK: Prices

    /// Sets the price of a model, replacing the built-in one.
    public mutating func setPrice(_ price: Price) { prices[price.model] = price }

    /// Removes a price override; the built-in price, if any, applies again.
    public mutating func deletePrice(_ model: String) throws(ModelError) {
        guard prices.removeValue(forKey: model) != nil else { throw .notFound("no price is set for model '\(model)'") }
        fileManaged.remove(.price(model))
    }

    // MARK: Orgs and projects

    /// Adds an org without projects; 409 when the id is taken.
    public mutating func createOrg(_ org: Org) throws(ModelError) {
        guard orgs[org.id] == nil else { throw .conflict("org '\(org.id)' already exists") }
        guard org.projects.isEmpty else {
            throw .invalid(field: "projects", message: "create projects with POST /admin/v1/orgs/\(org.id)/projects")
        }
        orgs[org.id] = OrgRecord(telemetryTokenSha256: org.telemetryTokenSha256, budget: org.budget, export: org.export)
        try checkIntegrity()
    }

    /// Replaces an org's telemetry tokens, budget and export destinations.
    public mutating func updateOrg(_ org: Org) throws(ModelError) {
        guard orgs[org.id] != nil else { throw .notFound("org '\(org.id)' does not exist") }
        orgs[org.id] = OrgRecord(telemetryTokenSha256: org.telemetryTokenSha256, budget: org.budget, export: org.export)
        try checkIntegrity()
    }

    /// Removes an org that has no projects left.
    public mutating func deleteOrg(_ id: String) throws(ModelError) {
        guard orgs[id] != nil else { throw .notFound("org '\(id)' does not exist") }
        if let project = projects.first(where: { $0.value.org == id })?.key {
            throw .conflict("org '\(id)' still has project '\(project)'; delete its projects first")
        }
        orgs[id] = nil
        fileManaged.remove(.org(id))
    }

    /// Adds a project, with any routes and keys it declares, to `org`.
    public mutating func createProject(_ project: Project, org: String) throws(ModelError) {
        guard orgs[org] != nil else { throw .notFound("org '\(org)' does not exist") }
        if let owner = projects[project.id]?.org {
            throw .conflict("project '\(project.id)' already exists in org '\(owner)'; project ids are unique across orgs")
        }
        projects[project.id] = ProjectRecord(
            org: org, budget: project.budget, limits: project.limits, guardrails: project.guardrails, mcpServers: project.mcpServers)
        for route in project.routes { routes[.route(project: project.id, model: route.model)] = route }
        for key in project.keys { keys[.key(project: project.id, id: key.id)] = key }
        try checkIntegrity()
    }

    /// Replaces the MCP servers of a project.
    public mutating func setMCPServers(_ servers: [MCPServer], project: String, org: String) throws(ModelError) {
        try requireProject(project, org: org)
        projects[project]!.mcpServers = servers
    }

    /// Removes a project with its routes and keys.
    public mutating func deleteProject(_ id: String, org: String) throws(ModelError) {
        try requireProject(id, org: org)
        removeProject(id)
    }

    /// Sets or clears the budget of an org, project or key.
    public mutating func setBudget(_ budget: Budget?, on ref: ObjectRef) throws(ModelError) {
        switch ref {
        case .org(let id):
            guard orgs[id] != nil else { throw .notFound("org '\(id)' does not exist") }
            orgs[id]!.budget = budget
        case .project(let id):
            guard projects[id] != nil else { throw .notFound("project '\(id)' does not exist") }
            projects[id]!.budget = budget
        case .key:
            guard keys[ref] != nil else { throw .notFound("\(ref) does not exist") }
            keys[ref]!.budget = budget
        case .provider, .route, .price:
            throw .invalid(field: "", message: "budgets apply to orgs, projects and keys")
        }
    }

    /// Sets or clears the rate limits of a project or key.
    public mutating func setLimits(_ limits: RateLimits?, on ref: ObjectRef) throws(ModelError) {
        switch ref {
        case .project(let id):
            guard projects[id] != nil else { throw .notFound("project '\(id)' does not exist") }
            projects[id]!.limits = limits
        case .key:
            guard keys[ref] != nil else { throw .notFound("\(ref) does not exist") }
            keys[ref]!.limits = limits
        case .provider, .org, .route, .price:
            throw .invalid(field: "", message: "rate limits apply to projects and keys")
        }
    }

    /// Sets or clears the guardrails of a project or key.
    public mutating func setGuardrails(_ guardrails: GuardrailPolicy?, on ref: ObjectRef) throws(ModelError) {
        switch ref {
        case .project(let id):
            guard projects[id] != nil else { throw .notFound("project '\(id)' does not exist") }
            projects[id]!.guardrails = guardrails
        case .key:
            guard keys[ref] != nil else { throw .notFound("\(ref) does not exist") }
            keys[ref]!.guardrails = guardrails
        case .provider, .org, .route, .price:
            throw .invalid(field: "", message: "guardrails apply to projects and keys")
        }
    }

    /// 404 unless `project` exists and belongs to `org`.
    public func requireProject(_ project: String, org: String) throws(ModelError) {
        guard orgs[org] != nil else { throw .notFound("org '\(org)' does not exist") }
        guard projects[project]?.org == org else { throw .notFound("project '\(project)' does not exist in org '\(org)'") }
    }

    // MARK: Routes

    /// Adds a route to a project; 409 when the model is already routed.
    public mutating func createRoute(_ route: Route, project: String, org: String) throws(ModelError) {
        try requireProject(project, org: org)
        let ref = ObjectRef.route(project: project, model: route.model)
        guard routes[ref] == nil else { throw .conflict("model '\(route.model)' is already routed in project '\(project)'") }
        routes[ref] = route
        try checkIntegrity()
    }

    /// Replaces the targets of a route.
    public mutating func replaceRoute(_ route: Route, project: String, org: String) throws(ModelError) {
        try requireProject(project, org: org)
        let ref = ObjectRef.route(project: project, model: route.model)
        guard routes[ref] != nil else { throw .notFound("model '\(route.model)' is not routed in project '\(project)'") }
        routes[ref] = route
        try checkIntegrity()
    }

    /// Removes a route.
    public mutating func deleteRoute(model: String, project: String, org: String) throws(ModelError) {
        try requireProject(project, org: org)
        let ref = ObjectRef.route(project: project, model: model)
        guard routes.removeValue(forKey: ref) != nil else { throw .notFound("model '\(model)' is not routed in project '\(project)'") }
        fileManaged.remove(ref)
    }

    // MARK: Keys

    /// Adds a key; 409 when the id is taken in the project or the hash is used anywhere.
    public mutating func createKey(_ key: APIKey, project: String, org: String) throws(ModelError) {
        try requireProject(project, org: org)
        let ref = ObjectRef.key(project: project, id: key.id)
        guard keys[ref] == nil else { throw .conflict("key '\(key.id)' already exists in project '\(project)'") }
        keys[ref] = key
        try checkIntegrity()
    }

    /// The key `id` of `project`, or 404.
    public func key(_ id: String, project: String, org: String) throws(ModelError) -> APIKey {
        try requireProject(project, org: org)
        guard let key = keys[.key(project: project, id: id)] else { throw .notFound("key '\(id)' does not exist in project '\(project)'") }
        return key
    }

    /// Revokes a key at `now`; revoking twice keeps the first time.
    public mutating func revokeKey(_ id: String, project: String, org: String, now: Date) throws(ModelError) {
        var key = try key(id, project: project, org: org)
        key.revokedAt = key.revokedAt ?? now
        keys[.key(project: project, id: id)] = key
    }

    /// Sets when a key expires (`now` to expire it at once).
    public mutating func expireKey(_ id: String, project: String, org: String, at date: Date) throws(ModelError) {
        var key = try key(id, project: project, org: org)
        key.expiresAt = date
        keys[.key(project: project, id: id)] = key
    }

    /// Removes a key.
    public mutating func deleteKey(_ id: String, project: String, org: String) throws(ModelError) {
        _ = try key(id, project: project, org: org)
        keys[.key(project: project, id: id)] = nil
        fileManaged.remove(.key(project: project, id: id))
    }

    // MARK: The configuration file

    /// The model after applying a configuration file: every object the file declares is created or
    /// replaced and becomes file-managed; file-managed objects the file no longer declares are
    /// removed (with their projects, routes and keys); objects made through the admin API stay.
    public func applying(providers fileProviders: [ProviderConfig], orgs fileOrgs: [Org], prices filePrices: [Price] = []) throws(ModelError) -> StoredModel {
        let file = StoredModel(providers: fileProviders, orgs: fileOrgs, prices: filePrices)
        let declared = file.refs
        var next = self
        for ref in fileManaged.subtracting(declared).sorted(by: >) { next.remove(ref) }
        for (name, provider) in file.providers { next.providers[name] = provider }
        for (model, price) in file.prices { next.prices[model] = price }
        for (id, record) in file.orgs { next.orgs[id] = record }
        for (id, record) in file.projects { next.projects[id] = record }
        for (ref, route) in file.routes { next.routes[ref] = route }
        for (ref, key) in file.keys {
            if let (other, _) = next.keys.first(where: { $0.value.sha256 == key.sha256 && $0.key != ref }) {
                throw .conflict("\(ref) in the file has the same hash as \(other), which was created through the admin API")
            }
            next.keys[ref] = key
        }
        next.fileManaged = declared
        try next.checkIntegrity()
        return next
    }

    /// Removes one object and everything inside it.
    private mutating func remove(_ ref: ObjectRef) {
        switch ref {
        case .provider(let name): providers[name] = nil
        case .org(let id):
            for (project, record) in projects where record.org == id { removeProject(project) }
            orgs[id] = nil
        case .project(let id): removeProject(id)
        case .route: routes[ref] = nil
        case .key: keys[ref] = nil
        case .price(let model): prices[model] = nil
        }
        fileManaged.remove(ref)
    }

    private mutating func removeProject(_ id: String) {
        projects[id] = nil
        fileManaged.remove(.project(id))
        for ref in routes.keys where ref.project == id {
            routes[ref] = nil
            fileManaged.remove(ref)
        }
        for ref in keys.keys where ref.project == id {
            keys[ref] = nil
            fileManaged.remove(ref)
        }
    }
}

extension ObjectRef {
    /// The project a route or key belongs to.
    var project: String? {
        switch self {
        case .route(let project, _), .key(let project, _): project
        case .provider, .org, .project, .price: nil
        }
    }
}
