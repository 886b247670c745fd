import ControlPlane
import Foundation
import GatewayModel
import Testing

@Suite("OTLP export destinations in the configuration")
struct ExportConfigTests {
    static let yaml = """
        observability:
          serviceName: edge-gateway
          export:
            otlp:
              - name: platform
                endpoint: http://otel-collector:4318/
                signals: [traces, metrics]
                compression: gzip
                headers: { X-Scope-OrgID: platform }
                headersEnv: { authorization: OTLP_AUTH }
                timeoutSeconds: 2.5
                queueSpans: 1024
                metricsIntervalSeconds: 5
        providers:
          - { name: demo, kind: mock }
        orgs:
          - id: acme
            export:
              otlp:
                - { name: acme-tempo, endpoint: "https://tempo.acme.example:4318", signals: [traces], compression: none }
          - id: globex
        """

    @Test("platform and org destinations load with every setting; defaults fill the rest")
    func loads() throws {
        let config = try ConfigFileLoader.load(yaml: Self.yaml)
        #expect(config.observability.serviceName == "edge-gateway")
        let platform = try #require(config.observability.export.otlp.first)
        #expect(
            platform
                == OTLPDestination(
                    name: "platform", endpoint: "http://otel-collector:4318", signals: [.traces, .metrics], compression: .gzip,
                    headers: ["x-scope-orgid": "platform"], headersEnv: ["authorization": "OTLP_AUTH"], timeoutSeconds: 2.5, queueSpans: 1024,
                    metricsIntervalSeconds: 5))
        let acme = try #require(config.orgs.first { $0.id == "acme" }?.export.otlp.first)
        #expect(acme == OTLPDestination(name: "acme-tempo", endpoint: "https://tempo.acme.example:4318", signals: [.traces], compression: .none))
        #expect(config.orgs.first { $0.id == "globex" }?.export.otlp.isEmpty == true)
        let mapping = OrgMapping(config: config)
        #expect(mapping.exports.keys.sorted() == ["acme"] && mapping.exports["acme"]?.otlp == [acme])
        #expect(mapping.providerKinds == ["demo": "mock"] && mapping.providerHosts.isEmpty)
    }

    @Test("mistakes are named with their paths: signal, compression, URL, header names, variables, numbers, duplicates")
    func mistakes() {
        let yaml = """
            observability:
              export:
                otlp:
                  - name: a
                    endpoint: ftp://collector
                    signals: [traces, logs]
                    compression: brotli
                    headers: { "bad header": x, content-encoding: br }
                    headersEnv: { authorization: "not a variable" }
                    queueSpans: 0
                    metricsIntervalSeconds: -1
                    colour: blue
                  - { name: a, endpoint: "http://collector:4318", signals: [] }
            """
        var paths: [String] = []
        do {
            _ = try ConfigFileLoader.load(yaml: yaml)
        } catch {
            paths = error.issues.map(\.path)
        }
        let base = "observability.export.otlp"
        for expected in [
            "\(base)[0].endpoint", "\(base)[0].signals[1]", "\(base)[0].compression", "\(base)[0].headers.bad header",
            "\(base)[0].headers.content-encoding", "\(base)[0].headersEnv.authorization", "\(base)[0].queueSpans",
            "\(base)[0].metricsIntervalSeconds", "\(base)[0].colour", "\(base)[1].name", "\(base)[1].signals",
        ] {
            #expect(paths.contains(expected), "\(expected) not in \(paths)")
        }
    }

    @Test("a provider's host comes from its base URL, without user, port or brackets")
    func providerHost() {
        let hosts = [
            "https://api.openai.com/v1": "api.openai.com", "http://user:pw@10.0.0.7:8080/v1": "10.0.0.7", "http://[::1]:9000/v1": "::1",
            "http://llm.internal": "llm.internal",
        ]
        for (url, host) in hosts { #expect(ProviderConfig(name: "p", kind: .openai, baseURL: url).host == host) }
        #expect(ProviderConfig(name: "m", kind: .mock).host == nil)
    }
}

@Suite("MCP servers and key tool lists in the configuration")
struct MCPConfigTests {
    @Test("servers and key tool lists load; mistakes are named with their paths")
    func loads() throws {
        let yaml = """
            providers:
              - { name: demo, kind: mock }
            orgs:
              - id: acme
                projects:
                  - id: chatbot
                    mcpServers:
                      - { name: files, url: "http://127.0.0.1:9000/mcp", headersEnv: { authorization: FILES_MCP_TOKEN }, tools: [read_file, list_dir], timeoutSeconds: 30 }
                    keys:
                      - { id: agent, sha256: "\(String(repeating: "ab", count: 32))", scopes: [mcp], mcpTools: ["files/read_file"] }
            """
        let config = try ConfigFileLoader.load(yaml: yaml)
        let project = try #require(config.orgs.first?.projects.first)
        #expect(project.mcpServers == [MCPServer(name: "files", url: "http://127.0.0.1:9000/mcp", headersEnv: ["authorization": "FILES_MCP_TOKEN"], tools: ["read_file", "list_dir"], timeoutSeconds: 30)])
        #expect(project.keys.first?.mcpTools == ["files/read_file"] && project.keys.first?.scopes == [.mcp])
        let bad = yaml.replacingOccurrences(of: "\"files/read_file\"", with: "\"notes/read\", \"nonsense\"")
            .replacingOccurrences(of: "http://127.0.0.1:9000/mcp", with: "tcp://x")
        var paths: [String] = []
        do { _ = try ConfigFileLoader.load(yaml: bad) } catch { paths = error.issues.map(\.path) }
        let base = "orgs[0].projects[0]"
        for expected in ["\(base).mcpServers[0].url", "\(base).keys[0].mcpTools[1]", "\(base).keys[0].mcpTools"] {
            #expect(paths.contains(expected), "\(expected) not in \(paths)")
        }
    }
}
