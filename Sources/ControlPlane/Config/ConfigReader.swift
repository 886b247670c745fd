import GatewayModel
import Yams

import struct Foundation.URL

/// Walks the YAML tree section by section and checks cross references.
struct ConfigReader {
    let log: IssueLog

    func read(_ root: YAMLValue) -> GatewayConfig {
        let sections = ["gateway", "admin", "store", "controlPlane", "observability", "providers", "prices", "orgs"]
        guard let fields = root.fields(allowed: sections) else { return GatewayConfig() }
        var config = GatewayConfig()
        if let gateway = fields["gateway"] { config.gateway = readGateway(gateway) }
        if let admin = fields["admin"] { config.admin = readAdmin(admin) }
        if let store = fields["store"] { config.store = readStore(store) }
        if let controlPlane = fields["controlPlane"] { config.controlPlane = readControlPlane(controlPlane) }
        if let observability = fields["observability"] { config.observability = readObservability(observability) }
        let providers = fields["providers"]?.list ?? []
        config.providers = providers.compactMap(readProvider)
        checkUnique(providers, key: "name", what: "provider name")
        let known = Set(config.providers.map(\.name))
        let prices = fields["prices"]?.list ?? []
        config.prices = prices.compactMap(readPrice)
        checkUnique(prices, key: "model", what: "priced model")
        let orgs = fields["orgs"]?.list ?? []
        config.orgs = orgs.compactMap { readOrg($0, providers: known) }
        checkUnique(orgs, key: "id", what: "org id")
        let projects = orgs.flatMap { $0.child("projects")?.silentList ?? [] }
        checkUnique(projects, key: "id", what: "project id")
        let keys = projects.flatMap { $0.child("keys")?.silentList ?? [] }
        checkUnique(keys, key: "sha256", what: "key hash")
        return config
    }

    private func readGateway(_ value: YAMLValue) -> GatewaySettings {
        var settings = GatewaySettings()
        let allowed = [
            "listen", "maxRequestBytes", "upstreamConnectTimeoutSeconds", "maxConnections", "headerTimeoutSeconds", "bodyTimeoutSeconds",
            "idleTimeoutSeconds",
        ]
        guard let fields = value.fields(allowed: allowed) else {
            return settings
        }
        if let listen = fields["listen"] {
            if let text = listen.string {
                if let address = ListenAddress(parsing: text) {
                    settings.listen = address
                } else {
                    listen.fail("expected host:port, e.g. 127.0.0.1:8080")
                }
            }
        }
        if let max = fields["maxRequestBytes"]?.int(in: 1...(1 << 31)) { settings.maxRequestBytes = max }
        if let seconds = fields["upstreamConnectTimeoutSeconds"]?.positiveSeconds { settings.upstreamConnectTimeoutSeconds = seconds }
        if let count = fields["maxConnections"]?.int(in: 1...(1 << 24)) { settings.maxConnections = count }
        if let seconds = fields["headerTimeoutSeconds"]?.positiveSeconds { settings.headerTimeoutSeconds = seconds }
        if let seconds = fields["bodyTimeoutSeconds"]?.positiveSeconds { settings.bodyTimeoutSeconds = seconds }
        if let seconds = fields["idleTimeoutSeconds"]?.positiveSeconds { settings.idleTimeoutSeconds = seconds }
        return settings
    }

    private func readAdmin(_ value: YAMLValue) -> AdminSettings {
        var settings = AdminSettings()
        guard let fields = value.fields(allowed: ["listen", "tokenEnv"]) else { return settings }
        if let listen = fields["listen"], let text = listen.string {
            if let address = ListenAddress(parsing: text) {
                settings.listen = address
            } else {
                listen.fail("expected host:port, e.g. 127.0.0.1:8081")
            }
        }
        if let name = fields["tokenEnv"]?.string { settings.tokenEnv = name }
        return settings
    }

    private func readStore(_ value: YAMLValue) -> StoreSettings {
        var settings = StoreSettings()
        guard let fields = value.fields(allowed: ["url"]), let url = fields["url"], let text = url.string else { return settings }
        if text.hasPrefix("sqlite:") || text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            settings.url = text
        } else {
            url.fail("expected sqlite:PATH or postgres://user:password@host:5432/database")
        }
        return settings
    }

    private func readControlPlane(_ value: YAMLValue) -> ControlPlaneSettings {
        var settings = ControlPlaneSettings()
        guard let fields = value.fields(allowed: ["url", "resyncSeconds"]) else { return settings }
        if let url = fields["url"] { settings.url = readHTTPURL(url) }
        if let seconds = fields["resyncSeconds"]?.positiveSeconds { settings.resyncSeconds = seconds }
        return settings
    }

    private func readObservability(_ value: YAMLValue) -> ObservabilitySettings {
        var settings = ObservabilitySettings()
        guard let fields = value.fields(allowed: ["enabled", "ringCapacity", "collectIntervalMilliseconds", "serviceName", "export"]) else { return settings }
        if let enabled = fields["enabled"]?.bool { settings.enabled = enabled }
        if let capacity = fields["ringCapacity"]?.int(in: 16...(1 << 24)) { settings.ringCapacity = capacity }
        if let interval = fields["collectIntervalMilliseconds"]?.int(in: 1...10_000) { settings.collectIntervalMilliseconds = interval }
        if let name = fields["serviceName"]?.string { settings.serviceName = name }
        if let export = fields["export"].flatMap(readExport) { settings.export = export }
        return settings
    }

    func readProvider(_ value: YAMLValue) -> ProviderConfig? {
        let allowed = [
            "name", "kind", "baseURL", "apiKeyEnv", "timeoutSeconds", "firstByteTimeoutSeconds", "connectTimeoutSeconds", "maxRetries",
            "retryBackoffMilliseconds", "latencyMilliseconds", "tlsCAFile", "defaultMaxTokens",
        ]
        guard let fields = value.fields(allowed: allowed) else { return nil }
        let name = fields.required("name")?.identifier
        var kind: ProviderConfig.Kind?
        if let kindValue = fields.required("kind"), let text = kindValue.string {
            kind = ProviderConfig.Kind(rawValue: text)
            if kind == nil {
                kindValue.fail("unknown provider kind '\(text)'; expected one of: \(ProviderConfig.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var provider = ProviderConfig(name: name ?? "", kind: kind ?? .openai)
        if let baseURL = fields["baseURL"] {
            provider.baseURL = readHTTPURL(baseURL)
        } else if kind == .openai {
            value.fail("provider '\(provider.name)' of kind openai needs a baseURL")
        } else {
            provider.baseURL = kind?.defaultBaseURL
        }
        provider.apiKeyEnv = fields["apiKeyEnv"]?.string
        if let seconds = fields["timeoutSeconds"]?.positiveSeconds { provider.timeoutSeconds = seconds }
        provider.firstByteTimeoutSeconds = fields["firstByteTimeoutSeconds"]?.positiveSeconds ?? provider.timeoutSeconds
        provider.connectTimeoutSeconds = fields["connectTimeoutSeconds"]?.positiveSeconds
        if let caFile = fields["tlsCAFile"] {
            if kind == .mock || provider.baseURL?.hasPrefix("https://") == false {
                caFile.fail("tlsCAFile applies to providers with an https baseURL only")
            }
            provider.tlsCAFile = caFile.string
        }
        if let retries = fields["maxRetries"]?.int(in: 0...10) { provider.maxRetries = retries }
        if let backoff = fields["retryBackoffMilliseconds"]?.int(in: 0...60_000) { provider.retryBackoffMilliseconds = backoff }
        if let maxTokens = fields["defaultMaxTokens"] {
            if kind != .anthropic { maxTokens.fail("defaultMaxTokens applies to providers of kind anthropic only") }
            provider.defaultMaxTokens = maxTokens.int(in: 1...1_000_000)
        }
        if let latency = fields["latencyMilliseconds"] {
            if kind != .mock { latency.fail("latencyMilliseconds applies to providers of kind mock only") }
            provider.latencyMilliseconds = latency.int(in: 0...600_000) ?? 0
        }
        return name == nil || kind == nil ? nil : provider
    }

    func readOrg(_ value: YAMLValue, providers: Set<String>) -> Org? {
        guard let fields = value.fields(allowed: ["id", "telemetryTokenSha256", "budget", "export", "projects"]) else { return nil }
        let idValue = fields.required("id")
        let id = idValue?.identifier
        if let id, id == OrgMapping.unattributed { idValue?.fail("'\(id)' is reserved for telemetry that maps to no org; choose another id") }
        var tokens: [String] = []
        for token in fields["telemetryTokenSha256"]?.list ?? [] {
            guard let hash = token.string else { continue }
            if KeyHasher.isWellFormedHash(hash) {
                tokens.append(hash)
            } else {
                token.fail("expected 64 lowercase hex digits (run `gateway keys hash TOKEN`)")
            }
        }
        let projects = (fields["projects"]?.list ?? []).compactMap { readProject($0, providers: providers) }
        let budget = fields["budget"].flatMap(readBudget)
        let export = fields["export"].flatMap(readExport)
        guard let id else { return nil }
        return Org(id: id, projects: projects, telemetryTokenSha256: tokens, budget: budget, export: export ?? ExportSettings())
    }

    func readProject(_ value: YAMLValue, providers: Set<String>) -> Project? {
        guard let fields = value.fields(allowed: ["id", "budget", "limits", "guardrails", "routes", "keys", "mcpServers"]) else { return nil }
        let id = fields.required("id")?.identifier
        let routes = fields["routes"]?.list ?? []
        let keys = fields["keys"]?.list ?? []
        checkUnique(routes, key: "model", what: "routed model in project '\(id ?? "")'")
        checkUnique(keys, key: "id", what: "key id in project '\(id ?? "")'")
        let servers = fields["mcpServers"]?.list ?? []
        checkUnique(servers, key: "name", what: "MCP server name in project '\(id ?? "")'")
        let project = Project(
            id: id ?? "",
            routes: routes.compactMap { readRoute($0, providers: providers) },
            keys: keys.compactMap(readKey),
            budget: fields["budget"].flatMap(readBudget),
            limits: fields["limits"].flatMap(readLimits),
            guardrails: fields["guardrails"].flatMap(readGuardrails),
            mcpServers: servers.compactMap(readMCPServer)
        )
        for (index, key) in project.keys.enumerated() {
            for entry in key.mcpTools ?? [] where !project.mcpServers.contains(where: { entry.hasPrefix($0.name + "/") }) {
                keys[index].child("mcpTools")?.fail("'\(entry)' names no MCP server of project '\(project.id)'")
            }
        }
        return id == nil ? nil : project
    }

    /// A `{ usd: 100, period: monthly }` mapping.
    func readBudget(_ value: YAMLValue) -> Budget? {
        guard let fields = value.fields(allowed: ["usd", "period"]) else { return nil }
        // Every field is checked before any is given up on, so one problem never hides another.
        let micros = fields.required("usd")?.dollars
        var period: Budget.Period?
        if let periodValue = fields.required("period"), let periodText = periodValue.string {
            period = Budget.Period(rawValue: periodText)
            if period == nil {
                periodValue.fail("unknown period '\(periodText)'; expected one of: \(Budget.Period.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        guard let micros, let period else { return nil }
        return Budget(microUSD: micros, period: period)
    }

    /// A `{ model, inputPerMillion, cachedInputPerMillion, outputPerMillion, cacheWritePerMillion }`
    /// mapping in USD per million tokens.
    func readPrice(_ value: YAMLValue) -> Price? {
        let allowed = ["model", "inputPerMillion", "cachedInputPerMillion", "outputPerMillion", "cacheWritePerMillion"]
        guard let fields = value.fields(allowed: allowed) else { return nil }
        let model = fields.required("model")?.string
        let input = fields.required("inputPerMillion")?.dollars
        let output = fields.required("outputPerMillion")?.dollars
        let cached = fields["cachedInputPerMillion"]?.dollars
        let cacheWrite = fields["cacheWritePerMillion"]?.dollars
        guard let model, let input, let output else { return nil }
        return Price(model: model, inputPerMillion: input, cachedInputPerMillion: cached, outputPerMillion: output, cacheWritePerMillion: cacheWrite)
    }

    /// A `{ requestsPerMinute: 600, tokensPerMinute: 100000 }` mapping; at least one is needed.
    func readLimits(_ value: YAMLValue) -> RateLimits? {
        guard let fields = value.fields(allowed: ["requestsPerMinute", "tokensPerMinute"]) else { return nil }
        let limits = RateLimits(
            requestsPerMinute: fields["requestsPerMinute"]?.int(in: 1...100_000_000),
            tokensPerMinute: fields["tokensPerMinute"]?.int(in: 1...Int(Int32.max)))
        if fields["requestsPerMinute"] == nil && fields["tokensPerMinute"] == nil {
            value.fail("limits need requestsPerMinute, tokensPerMinute or both")
        }
        return limits
    }

    /// An http or https URL without a trailing slash.
    func readHTTPURL(_ value: YAMLValue) -> String? {
        guard let text = value.string else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme), url.host != nil else {
            value.fail("expected an http or https URL such as https://api.openai.com/v1")
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func readRoute(_ value: YAMLValue, providers: Set<String>) -> Route? {
        guard let fields = value.fields(allowed: ["model", "targets"]) else { return nil }
        let model = fields.required("model")?.string
        let targetValues = fields.required("targets")?.list
        if let targetValues, targetValues.isEmpty { value.fail("route for model '\(model ?? "")' needs at least one target") }
        let targets = (targetValues ?? []).compactMap { readTarget($0, providers: providers) }
        if !targets.isEmpty, targets.allSatisfy({ $0.weight == 0 }) {
            value.fail("route for model '\(model ?? "")' needs at least one target with a positive weight")
        }
        guard let model, targetValues != nil else { return nil }
        return Route(model: model, targets: targets)
    }

    private func readTarget(_ value: YAMLValue, providers: Set<String>) -> RouteTarget? {
        guard let fields = value.fields(allowed: ["provider", "model", "weight"]) else { return nil }
        let providerValue = fields.required("provider")
        let provider = providerValue?.string
        let model = fields.required("model")?.string
        if let provider, !providers.contains(provider) {
            providerValue?.fail("provider '\(provider)' is not defined; add it under providers or fix the name")
        }
        let weight = fields["weight"].map { $0.int(in: 0...1_000_000) ?? 1 } ?? 1
        guard let provider, let model else { return nil }
        return RouteTarget(provider: provider, model: model, weight: weight)
    }

    private func readKey(_ value: YAMLValue) -> APIKey? {
        guard let fields = value.fields(allowed: ["id", "sha256", "expiresAt", "budget", "limits", "scopes", "guardrails", "mcpTools"]) else { return nil }
        let id = fields.required("id")?.identifier
        let hashValue = fields.required("sha256")
        var hash = hashValue?.string
        if let text = hash, !KeyHasher.isWellFormedHash(text) {
            hashValue?.fail("expected 64 lowercase hex digits (run `gateway keys hash KEY`)")
            hash = nil
        }
        let expiresAt = fields["expiresAt"]?.date
        let budget = fields["budget"].flatMap(readBudget)
        let limits = fields["limits"].flatMap(readLimits)
        let scopes = fields["scopes"].flatMap(readScopes)
        let guardrails = fields["guardrails"].flatMap(readGuardrails)
        let mcpTools = fields["mcpTools"].map { list in
            (list.list ?? []).compactMap { item -> String? in
                guard let entry = item.string else { return nil }
                let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    item.fail("expected 'server/tool', e.g. files/read_file")
                    return nil
                }
                return entry
            }
        }
        guard let id, let hash else { return nil }
        return APIKey(
            id: id, sha256: hash, expiresAt: expiresAt, budget: budget, limits: limits, scopes: scopes, guardrails: guardrails, mcpTools: mcpTools)
    }

    /// A non-empty list of operations a key may call (`chat`, `embeddings`, `models`).
    func readScopes(_ value: YAMLValue) -> [KeyScope]? {
        guard let items = value.list else { return nil }
        let known = KeyScope.allCases.map(\.rawValue).joined(separator: ", ")
        if items.isEmpty { value.fail("scopes need at least one of \(known); leave scopes out for every operation") }
        let scopes = items.compactMap { item -> KeyScope? in
            guard let name = item.string else { return nil }
            guard let scope = KeyScope(rawValue: name) else {
                item.fail("unknown scope '\(name)'; expected one of \(known)")
                return nil
            }
            return scope
        }
        return scopes.count == items.count && !items.isEmpty ? scopes : nil
    }

    /// Logs every element whose `key` field repeats an earlier element's.
    func checkUnique(_ values: [YAMLValue], key: String, what: String) {
        var seen: [String: Int?] = [:]
        for value in values {
            guard let field = value.child(key), case .scalar(let scalar) = field.node else { continue }
            if let first = seen[scalar.string] {
                field.fail("duplicate \(what) '\(scalar.string)' (first defined on line \(first.map(String.init) ?? "?"))")
            } else {
                seen[scalar.string] = field.line
            }
        }
    }
}

extension YAMLValue {
    /// The child `name` of a mapping without logging anything, for cross checks.
    fileprivate func child(_ name: String) -> YAMLValue? {
        guard case .mapping(let mapping) = node, let value = mapping[name] else { return nil }
        return YAMLValue(node: value, path: "\(path).\(name)", log: log)
    }

    /// The elements of a sequence without logging anything, for cross checks.
    fileprivate var silentList: [YAMLValue]? {
        guard case .sequence(let sequence) = node else { return nil }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", log: log) }
    }
}
