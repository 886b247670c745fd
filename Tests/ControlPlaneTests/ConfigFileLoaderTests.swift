import ControlPlane
import Foundation
import GatewayModel
import Guardrails
import Testing

@Suite("Loading and validating the YAML configuration")
struct ConfigFileLoaderTests {
    static let valid = """
        gateway:
          listen: 0.0.0.0:9090
          maxRequestBytes: 2048
        providers:
          - name: local-openai
            kind: openai
            baseURL: http://127.0.0.1:18080/v1/
            apiKeyEnv: OPENAI_API_KEY
            timeoutSeconds: 30
            maxRetries: 1
          - name: demo
            kind: mock
            latencyMilliseconds: 5
        orgs:
          - id: acme
            projects:
              - id: chatbot
                routes:
                  - model: gpt-4o-mini
                    targets:
                      - { provider: local-openai, model: gpt-4o-mini-2024-07-18, weight: 3 }
                      - { provider: demo, model: mock-gpt, weight: 0 }
                keys:
                  - id: ci
                    sha256: "\(String(repeating: "ab", count: 32))"
                    expiresAt: 2027-01-01T00:00:00Z
        """

    static func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try ConfigFileLoader.load(yaml: yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("a complete file loads into the model")
    func loadsValid() throws {
        let config = try ConfigFileLoader.load(yaml: Self.valid)
        #expect(config.gateway.listen == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(config.gateway.maxRequestBytes == 2048)
        #expect(config.providers.map(\.name) == ["local-openai", "demo"])
        #expect(config.providers[0].baseURL == "http://127.0.0.1:18080/v1")
        #expect(config.providers[0].timeoutSeconds == 30 && config.providers[0].firstByteTimeoutSeconds == 30)
        #expect(config.providers[0].maxRetries == 1)
        #expect(config.providers[1].latencyMilliseconds == 5)
        let project = try #require(config.orgs.first?.projects.first)
        #expect(project.routes.first?.targets.map(\.weight) == [3, 0])
        #expect(project.keys.first?.expiresAt == ISO8601DateFormatter().date(from: "2027-01-01T00:00:00Z"))
    }

    @Test("an empty file is an error, not a configuration of defaults", arguments: ["", "\n\n", "# only a comment\n", "~\n"])
    func empty(text: String) {
        let issues = Self.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("the file is empty") == true)
    }

    @Test("every problem of an object is reported: a bad hash does not hide a bad scope, a bad period does not hide a bad amount")
    func everyProblem() {
        let yaml = """
            providers:
              - name: mock
                kind: mock
            orgs:
              - id: acme
                budget: { usd: -5, period: yearly }
                projects:
                  - id: chat
                    routes:
                      - model: m
                        targets: [ { provider: nowhere, model: x } ]
                    keys:
                      - id: ci
                        sha256: "nothex"
                        scopes: [ bogus ]
                        limits: { requestsPerMinute: 0 }
            """
        let issues = Self.issues(yaml)
        let paths = Set(issues.map(\.path))
        #expect(paths.isSuperset(of: [
            "orgs[0].budget.usd", "orgs[0].budget.period", "orgs[0].projects[0].routes[0].targets[0].provider",
            "orgs[0].projects[0].keys[0].sha256", "orgs[0].projects[0].keys[0].scopes[0]", "orgs[0].projects[0].keys[0].limits.requestsPerMinute",
        ]), "\(issues.map(\.description))")
    }

    /// A configuration whose project `chatbot` has `projectGuardrails` and whose key `ci` has `keyGuardrails` (YAML mappings, in flow style).
    static func withGuardrails(project projectGuardrails: String, key keyGuardrails: String = "") -> String {
        """
        providers:
          - { name: demo, kind: mock }
        orgs:
          - id: acme
            projects:
              - id: chatbot
                guardrails: \(projectGuardrails)
                routes:
                  - { model: m, targets: [ { provider: demo, model: mock-gpt } ] }
                keys:
                  - id: ci
                    sha256: "\(String(repeating: "ab", count: 32))"
        \(keyGuardrails.isEmpty ? "" : "            guardrails: \(keyGuardrails)")
        """
    }

    @Test("guardrails load for projects and keys; a key's policy tightens its project's")
    func guardrails() throws {
        let yaml = Self.withGuardrails(
            project: """
                { input: { pii: redact, piiTypes: [email, credit_card], secrets: block, promptInjection: monitor,
                           denyPhrases: { action: block, phrases: ["project orion"] } },
                  output: { pii: redact } }
                """.replacingOccurrences(of: "\n", with: " "),
            key: "{ input: { pii: block, piiTypes: [iban] } }")
        let config = try ConfigFileLoader.load(yaml: yaml)
        let project = try #require(config.orgs.first?.projects.first)
        let policy = try #require(project.guardrails)
        #expect(policy.input.pii == .redact && policy.input.secrets == .block && policy.input.promptInjection == .monitor)
        #expect(policy.input.piiTypes == [.email, .creditCard])
        #expect(policy.input.denyPhrases == DenyPhrases(action: .block, phrases: ["project orion"]))
        #expect(policy.output.pii == .redact && policy.output.secrets == .off)
        let effective = try #require(GuardrailPolicy.effective(project: policy, key: project.keys.first?.guardrails))
        #expect(effective.input.pii == .block && effective.input.piiTypes == [.email, .creditCard, .iban])
        #expect(effective.input.secrets == .block && effective.output.pii == .redact)
    }

    @Test("guardrail mistakes are named with their paths")
    func guardrailErrors() {
        let yaml = Self.withGuardrails(
            project: "{ input: { pii: erase, piiTypes: [email, passport], promptInjection: redact, denyPhrases: { action: redact, phrases: [] } }, sideways: {} }")
        let paths = Set(Self.issues(yaml).map(\.path))
        let base = "orgs[0].projects[0].guardrails"
        #expect(paths.isSuperset(of: [
            "\(base).input.pii", "\(base).input.piiTypes[1]", "\(base).input.promptInjection", "\(base).input.denyPhrases.action",
            "\(base).input.denyPhrases.phrases", "\(base).sideways",
        ]), "\(paths.sorted())")
    }

    @Test("a missing id does not hide the problems inside the object")
    func missingIDKeepsLooking() {
        let yaml = """
            orgs:
              - projects:
                  - keys:
                      - sha256: "nothex"
            """
        let paths = Set(Self.issues(yaml).map(\.path))
        #expect(paths.isSuperset(of: ["orgs[0].id", "orgs[0].projects[0].id", "orgs[0].projects[0].keys[0].id", "orgs[0].projects[0].keys[0].sha256"]))
    }

    @Test("an unknown key is named with its path and line")
    func unknownKey() {
        let issues = Self.issues(Self.valid.replacingOccurrences(of: "  maxRequestBytes: 2048", with: "  maxRequestBytes: 2048\n  maxBodySize: 5"))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "gateway.maxBodySize")
        #expect(issues.first?.line == 4)
        #expect(issues.first?.message.contains("unknown key 'maxBodySize'") == true)
    }

    @Test("wrong types are reported with path and line")
    func wrongTypes() {
        let yaml = Self.valid
            .replacingOccurrences(of: "maxRequestBytes: 2048", with: "maxRequestBytes: lots")
            .replacingOccurrences(of: "timeoutSeconds: 30", with: "timeoutSeconds: [1]")
        let issues = Self.issues(yaml)
        #expect(issues.map(\.path) == ["gateway.maxRequestBytes", "providers[0].timeoutSeconds"])
        #expect(issues.map(\.line) == [3, 9])
    }

    @Test("the collector's interval loads, is unset by default, and is refused outside 1 to 10,000 ms or as a fraction")
    func collectInterval() throws {
        #expect(try ConfigFileLoader.load(yaml: Self.valid).observability.collectIntervalMilliseconds == nil)
        let set = try ConfigFileLoader.load(yaml: Self.valid + "\nobservability:\n  collectIntervalMilliseconds: 40\n")
        #expect(set.observability.collectIntervalMilliseconds == 40)
        for bad in ["0", "-5", "10001", "2.5", "9223372036854775808", "soon"] {
            let issues = Self.issues(Self.valid + "\nobservability:\n  collectIntervalMilliseconds: \(bad)\n")
            #expect(issues.map(\.path) == ["observability.collectIntervalMilliseconds"], "\(bad)")
        }
    }

    @Test("a route to an undefined provider is an error at the target")
    func undefinedProvider() {
        let issues = Self.issues(Self.valid.replacingOccurrences(of: "provider: demo,", with: "provider: nowhere,"))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "orgs[0].projects[0].routes[0].targets[1].provider")
        #expect(issues.first?.message.contains("'nowhere' is not defined") == true)
        #expect(issues.first?.line == 22)
    }

    @Test("duplicate ids are errors naming the first definition")
    func duplicates() {
        let yaml = Self.valid.replacingOccurrences(of: "  - name: demo", with: "  - name: local-openai")
        let issues = Self.issues(yaml)
        #expect(issues.count == 2)  // the duplicate name, and the target that still names provider 'demo'
        #expect(issues.contains { $0.message.contains("duplicate provider name 'local-openai' (first defined on line 5)") })
        #expect(issues.contains { $0.message.contains("provider 'demo' is not defined") })
    }

    @Test("key scopes load sorted; an unknown or empty scope list is an error naming the choices")
    func scopes() throws {
        let expiry = "expiresAt: 2027-01-01T00:00:00Z"
        let scoped = try ConfigFileLoader.load(yaml: Self.valid.replacingOccurrences(of: expiry, with: "\(expiry)\n            scopes: [models, chat]"))
        #expect(scoped.orgs.first?.projects.first?.keys.first?.scopes == [.chat, .models])
        #expect(try ConfigFileLoader.load(yaml: Self.valid).orgs.first?.projects.first?.keys.first?.scopes == nil)
        let unknown = Self.issues(Self.valid.replacingOccurrences(of: expiry, with: "\(expiry)\n            scopes: [chat, admin]"))
        #expect(unknown.map(\.path) == ["orgs[0].projects[0].keys[0].scopes[1]"])
        #expect(unknown.first?.message == "unknown scope 'admin'; expected one of chat, embeddings, models, mcp")
        let empty = Self.issues(Self.valid.replacingOccurrences(of: expiry, with: "\(expiry)\n            scopes: []"))
        #expect(empty.map(\.path) == ["orgs[0].projects[0].keys[0].scopes"])
    }

    @Test("a provider's connect timeout and CA file load; a CA file on a plain http provider is an error")
    func providerTLS() throws {
        let yaml = """
            providers:
              - name: internal
                kind: openai
                baseURL: https://llm.internal:8443/v1
                connectTimeoutSeconds: 1.5
                tlsCAFile: /etc/gateway/internal-ca.pem
            """
        let provider = try #require(try ConfigFileLoader.load(yaml: yaml).providers.first)
        #expect(provider.connectTimeoutSeconds == 1.5 && provider.tlsCAFile == "/etc/gateway/internal-ca.pem")
        let plain = Self.issues(yaml.replacingOccurrences(of: "https://llm.internal:8443/v1", with: "http://llm.internal:8080/v1"))
        #expect(plain.map(\.path) == ["providers[0].tlsCAFile"])
        #expect(Self.issues(yaml.replacingOccurrences(of: "connectTimeoutSeconds: 1.5", with: "connectTimeoutSeconds: 0")).map(\.path) == [
            "providers[0].connectTimeoutSeconds"
        ])
    }

    @Test("anthropic and gemini providers take the public API's base URL unless set; defaultMaxTokens and cache-write prices load")
    func providerKinds() throws {
        let yaml = """
            providers:
              - { name: claude, kind: anthropic, apiKeyEnv: ANTHROPIC_API_KEY, defaultMaxTokens: 8192 }
              - { name: gem, kind: gemini, apiKeyEnv: GEMINI_API_KEY }
              - { name: proxy, kind: anthropic, baseURL: "http://127.0.0.1:9000/v1" }
            prices:
              - { model: claude-house, inputPerMillion: 3, cachedInputPerMillion: "0.3", cacheWritePerMillion: "3.75", outputPerMillion: 15 }
            """
        let config = try ConfigFileLoader.load(yaml: yaml)
        #expect(config.providers.map(\.baseURL) == ["https://api.anthropic.com/v1", "https://generativelanguage.googleapis.com/v1beta", "http://127.0.0.1:9000/v1"])
        #expect(config.providers.map(\.defaultMaxTokens) == [8192, nil, nil])
        #expect(config.prices.first?.cacheWritePerMillion == 3_750_000)
        // Spans name providers as the GenAI conventions do; servers by their hosts.
        let mapping = OrgMapping(config: config)
        #expect(mapping.providerKinds == ["claude": "anthropic", "gem": "gcp.gemini", "proxy": "anthropic"])
        #expect(mapping.providerHosts["gem"] == "generativelanguage.googleapis.com")
        let misplaced = Self.issues("providers: [{ name: o, kind: openai, baseURL: \"http://x/v1\", defaultMaxTokens: 10 }]")
        #expect(misplaced.map(\.description).contains { $0.contains("defaultMaxTokens applies to providers of kind anthropic only") })
        #expect(Self.issues("providers: [{ name: c, kind: anthropic, defaultMaxTokens: 0 }]").map(\.path) == ["providers[0].defaultMaxTokens"])
    }

    @Test("a malformed key hash is rejected with a hint")
    func malformedHash() {
        let issues = Self.issues(Self.valid.replacingOccurrences(of: String(repeating: "ab", count: 32), with: "ABC"))
        #expect(issues.first?.path == "orgs[0].projects[0].keys[0].sha256")
        #expect(issues.first?.message.contains("gateway keys hash") == true)
    }

    @Test("missing required keys, unknown kinds and bad URLs are each reported")
    func requiredAndEnums() {
        let yaml = """
            providers:
              - name: a
                kind: azure
              - name: b
                kind: openai
              - kind: openai
                baseURL: ftp://x
            orgs:
              - projects: []
            """
        let issues = Self.issues(yaml)
        let messages = issues.map(\.description)
        #expect(messages.contains { $0.contains("unknown provider kind 'azure'") })
        #expect(messages.contains { $0.contains("provider 'b' of kind openai needs a baseURL") })
        #expect(messages.contains { $0.contains("providers[2].name: required key 'name' is missing") })
        #expect(messages.contains { $0.contains("expected an http or https URL") })
        #expect(messages.contains { $0.contains("orgs[0].id: required key 'id' is missing") })
    }

    @Test(
        "YAML syntax errors name the line where the problem is",
        arguments: [
            ("gateway:\n  listen: 127.0.0.1:8080\n maxRequestBytes: 5\n", 3),
            ("a: 1\nb: \"unterminated\nc: 3\n", 2),
            ("gateway:\n\tlisten: x\n", 2),
            ("gateway:\n  listen: 1\n  maxRequestBytes: 5\n  listen: 2\n", 4),
        ])
    func syntax(text: String, line: Int) {
        let issues = Self.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.line == line, "\(issues.map(\.description))")
        #expect(issues.first?.message.contains("not valid YAML") == true)
    }
}
