import ControlPlane
import Foundation
import GatewayModel
import Guardrails
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TestSupport

@Suite("Admin and config APIs", .temporaryStores)
struct AdminAPITests {
    static let token = "platform-secret"

    /// Runs `body` against an admin router over a fresh SQLite store.
    func withAPI(token: String? = AdminAPITests.token, _ body: @Sendable (any TestClientProtocol, ControlPlaneService) async throws -> Void) async throws {
        let url = try await StoreBackend.sqlite.emptyStoreURL()
        let store = try await ConfigStore.open(url: url, logger: Logger(label: "test"))
        let controlPlane = try await ControlPlaneService(store: store, logger: Logger(label: "test"))
        let router = Router()
        let platform = PlatformToken(token: token, env: "GATEWAY_ADMIN_TOKEN")
        AdminAPI(controlPlane: controlPlane, token: platform).add(to: router)
        ConfigAPI(feed: controlPlane.feed, token: platform).add(to: router)
        try await Application(router: router).test(.router) { client in try await body(client, controlPlane) }
        await store.close()
    }

    struct Answer {
        let status: HTTPResponse.Status
        let json: [String: Any]
        var errorParam: String? { (json["error"] as? [String: Any])?["param"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    @discardableResult
    func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = AdminAPITests.token
    ) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
            return Answer(status: response.status, json: object ?? [:])
        }
    }

    /// Creates provider `mock`, org `acme` and its project `chat`.
    func seedProject(_ client: any TestClientProtocol) async throws {
        try await send(client, .post, "/admin/v1/providers", #"{"name":"mock","kind":"mock"}"#)
        try await send(client, .post, "/admin/v1/orgs", #"{"id":"acme"}"#)
        try await send(client, .post, "/admin/v1/orgs/acme/projects", #"{"id":"chat"}"#)
    }

    @Test("without a configured token every admin and config route answers 503 and names the variable")
    func noToken() async throws {
        try await withAPI(token: nil) { client, _ in
            for path in ["/admin/v1/orgs", "/config/v1/snapshot"] {
                let answer = try await send(client, .get, path, token: "anything")
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.errorMessage.contains("GATEWAY_ADMIN_TOKEN"))
            }
        }
    }

    @Test("a missing or wrong token is 401")
    func badToken() async throws {
        try await withAPI { client, _ in
            let missing = try await send(client, .get, "/admin/v1/orgs", token: nil)
            let wrong = try await send(client, .post, "/admin/v1/orgs", #"{"id":"x"}"#, token: "wrong")
            #expect(missing.status == .unauthorized && wrong.status == .unauthorized)
        }
    }

    @Test("every validation path answers 400 with the field, 404 for unknown ids and 409 for conflicts; refused changes change nothing")
    func validation() async throws {
        try await withAPI { client, controlPlane in
            let project = "/admin/v1/orgs/acme/projects/chat"
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String?)] = [
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"nope"}"#, .badRequest, "kind"),
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"openai"}"#, .badRequest, nil),
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"openai","baseURL":"ftp://h/v1"}"#, .badRequest, "baseURL"),
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"mock","extra":1}"#, .badRequest, "extra"),
                (.post, "/admin/v1/providers", #"{"name":"bad name!","kind":"mock"}"#, .badRequest, "name"),
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"mock","maxRetries":"two"}"#, .badRequest, "maxRetries"),
                (.post, "/admin/v1/providers", #"{"name":"x","kind":"openai","baseURL":"http://h/v1","tlsCAFile":"/ca.pem"}"#, .badRequest, "tlsCAFile"),
                (.post, "/admin/v1/providers", #"{"name":"mock","kind":"mock"}"#, .created, nil),
                (.post, "/admin/v1/providers", #"{"name":"mock","kind":"mock"}"#, .conflict, nil),
                (.put, "/admin/v1/providers/ghost", #"{"kind":"mock"}"#, .notFound, nil),
                (.put, "/admin/v1/providers/mock", #"{"name":"other","kind":"mock"}"#, .badRequest, "name"),
                (.post, "/admin/v1/orgs", #"{"id":["a"]}"#, .badRequest, "id"),
                (.post, "/admin/v1/orgs", #"{"id":"unattributed"}"#, .badRequest, "id"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","telemetryTokenSha256":["XYZ"]}"#, .badRequest, "telemetryTokenSha256[0]"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","budget":{"usd":-1,"period":"monthly"}}"#, .badRequest, "budget.usd"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","budget":{"usd":1.0000001,"period":"monthly"}}"#, .badRequest, "budget.usd"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","budget":{"usd":1,"period":"hourly"}}"#, .badRequest, "budget.period"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","projects":[{"id":"p"}]}"#, .badRequest, "projects"),
                (.post, "/admin/v1/orgs", #"{"id":"acme","budget":{"usd":"12.50","period":"monthly"}}"#, .created, nil),
                (.post, "/admin/v1/orgs", #"{"id":"acme"}"#, .conflict, nil),
                (.get, "/admin/v1/orgs/ghost", nil, .notFound, nil),
                (.post, "/admin/v1/orgs/ghost/projects", #"{"id":"chat"}"#, .notFound, nil),
                (.post, "/admin/v1/orgs/acme/projects", #"{"id":"chat","routes":[{"model":"m","targets":[{"provider":"ghost","model":"m"}]}]}"#, .badRequest, "routes[0].targets[0].provider"),
                (.post, "/admin/v1/orgs/acme/projects", #"{"id":"chat"}"#, .created, nil),
                (.post, "/admin/v1/orgs/acme/projects", #"{"id":"chat"}"#, .conflict, nil),
                (.post, "\(project)/routes", #"{"model":"m","targets":[]}"#, .badRequest, nil),
                (.post, "\(project)/routes", #"{"model":"m","targets":[{"provider":"mock","model":"m","weight":0}]}"#, .badRequest, nil),
                (.post, "\(project)/routes", #"{"model":"m","targets":[{"provider":"mock","model":"m","weight":-1}]}"#, .badRequest, "targets[0].weight"),
                (.post, "\(project)/routes", #"{"model":"m","targets":[{"provider":"mock","model":"m"}]}"#, .created, nil),
                (.post, "\(project)/routes", #"{"model":"m","targets":[{"provider":"mock","model":"m"}]}"#, .conflict, nil),
                (.put, "\(project)/routes/m", #"{"model":"n","targets":[{"provider":"mock","model":"m"}]}"#, .badRequest, "model"),
                (.put, "\(project)/routes/zzz", #"{"targets":[{"provider":"mock","model":"m"}]}"#, .notFound, nil),
                (.post, "\(project)/keys", #"{"id":"k","expiresAt":"tomorrow"}"#, .badRequest, "expiresAt"),
                (.post, "\(project)/keys", #"{}"#, .badRequest, "id"),
                (.post, "\(project)/keys", #"{"id":"k","scopes":["chat","admin"]}"#, .badRequest, "scopes[1]"),
                (.post, "\(project)/keys", #"{"id":"k","scopes":[]}"#, .badRequest, "scopes"),
                (.post, "\(project)/keys", #"{"id":"k","scopes":"chat"}"#, .badRequest, "scopes"),
                (.post, "\(project)/keys", #"{"id":"k","scope":["chat"]}"#, .badRequest, "scope"),
                (.post, "\(project)/keys", #"{"id":"k"}"#, .created, nil),
                (.post, "\(project)/keys", #"{"id":"k"}"#, .conflict, nil),
                (.post, "\(project)/keys/ghost/revoke", nil, .notFound, nil),
                (.post, "\(project)/keys/k/expire", #"{"expiresAt":12}"#, .badRequest, "expiresAt"),
                (.put, "\(project)/limits", #"{}"#, .badRequest, nil),
                (.put, "\(project)/limits", #"{"requestsPerMinute":0}"#, .badRequest, "requestsPerMinute"),
                (.put, "\(project)/keys/k/budget", #"{"usd":5}"#, .badRequest, "period"),
                (.put, "/admin/v1/orgs/acme/projects/ghost/limits", #"{"requestsPerMinute":5}"#, .notFound, nil),
                (.put, "\(project)/guardrails", #"{}"#, .badRequest, nil),
                (.put, "\(project)/guardrails", #"{"input":{"pii":"erase"}}"#, .badRequest, "input.pii"),
                (.put, "\(project)/guardrails", #"{"input":{"promptInjection":"redact"}}"#, .badRequest, "input.promptInjection"),
                (.put, "\(project)/guardrails", #"{"input":{"piiTypes":["passport"]}}"#, .badRequest, "input.piiTypes[0]"),
                (.put, "\(project)/keys/k/guardrails", #"{"output":{"secrets":"block"},"extra":1}"#, .badRequest, "extra"),
                (.put, "/admin/v1/orgs/acme/projects/ghost/guardrails", #"{"input":{"pii":"block"}}"#, .notFound, nil),
                (.delete, "/admin/v1/providers/mock", nil, .conflict, nil),
                (.delete, "/admin/v1/orgs/acme", nil, .conflict, nil),
                (.delete, "/admin/v1/orgs/acme/projects/ghost", nil, .notFound, nil),
            ]
            for (method, path, body, status, param) in cases {
                let before = try await controlPlane.store.load()
                let answer = try await send(client, method, path, body)
                #expect(answer.status == status, "\(method) \(path) \(body ?? "")")
                if let param { #expect(answer.errorParam == param, "\(method) \(path) \(body ?? ""): \(answer.json)") }
                if status.code >= 400 { #expect(try await controlPlane.store.load() == before, "\(method) \(path) changed the store") }
            }
            #expect(try await controlPlane.store.load().model.orgs["acme"]?.budget == Budget(microUSD: 12_500_000, period: .monthly))
        }
    }

    @Test("malformed bodies of every kind get 4xx and leave the store unchanged")
    func fuzz() async throws {
        try await withAPI { client, controlPlane in
            try await seedProject(client)
            let valid = #"{"id":"p2","budget":{"usd":3,"period":"daily"},"routes":[{"model":"m","targets":[{"provider":"mock","model":"m","weight":2}]}]}"#
            var bodies = (1..<valid.utf8.count).map { String(valid.utf8.prefix($0))! }
            bodies += ["", " ", "null", "[]", "42", "\"text\"", "{", "}", "{\"id\":}", "{\"id\":\"a\",}", "{'id':'a'}", "{\"id\":\"a\"}{}", "\u{0}"]
            bodies += ["{\"id\":\"a\",\"id\":\"b\"}", String(repeating: "[", count: 10_000), "{\"id\":\"\(String(repeating: "x", count: 2 << 20))\"}"]
            // Replacing any structural character of JSON with a letter or digit always breaks it.
            let structural = Set("{}[]:,\"".utf8)
            let positions = valid.utf8.indices.filter { structural.contains(valid.utf8[$0]) }.map { valid.utf8.distance(from: valid.utf8.startIndex, to: $0) }
            let replacements = Array("xyz019".utf8)
            var generator = SplitMix64(seed: 7)
            for _ in 0..<200 {
                var bytes = Array(valid.utf8)
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[positions[Int(generator.next() % UInt64(positions.count))]] = replacements[Int(generator.next() % UInt64(replacements.count))]
                }
                bodies.append(String(decoding: bytes, as: UTF8.self))
            }
            let before = try await controlPlane.store.load()
            for body in bodies {
                for path in ["/admin/v1/orgs/acme/projects", "/admin/v1/providers", "/admin/v1/orgs/acme/projects/chat/keys", "/admin/v1/orgs/acme/projects/chat/routes"] {
                    let answer = try await send(client, .post, path, body)
                    #expect((400..<500).contains(answer.status.code), "\(answer.status) for \(path) \(body.prefix(80))")
                }
            }
            #expect(try await controlPlane.store.load() == before)
            #expect(bodies.count > 300)
        }
    }

    @Test("guardrails are set, shown and removed on a project and a key; a new key can carry them")
    func guardrails() async throws {
        try await withAPI { client, controlPlane in
            try await seedProject(client)
            let project = "/admin/v1/orgs/acme/projects/chat"
            let put = try await send(client, .put, "\(project)/guardrails", #"{"input":{"pii":"redact","piiTypes":["email"],"secrets":"block"},"output":{"pii":"monitor"}}"#)
            #expect(put.status == .ok)
            let stored = try await controlPlane.store.load().model.projects["chat"]?.guardrails
            #expect(stored == GuardrailPolicy(input: GuardrailRules(pii: .redact, piiTypes: [.email], secrets: .block), output: GuardrailRules(pii: .monitor)))
            let shown = try await send(client, .get, project)
            let input = (shown.json["guardrails"] as? [String: Any])?["input"] as? [String: Any]
            #expect(input?["pii"] as? String == "redact" && input?["piiTypes"] as? [String] == ["email"])
            let created = try await send(client, .post, "\(project)/keys", #"{"id":"agent","guardrails":{"input":{"promptInjection":"block"}}}"#)
            #expect(created.status == .created)
            #expect(try await controlPlane.store.load().model.keys[.key(project: "chat", id: "agent")]?.guardrails?.input.promptInjection == .block)
            #expect(try await send(client, .delete, "\(project)/keys/agent/guardrails").status == .ok)
            #expect(try await send(client, .delete, "\(project)/guardrails").status == .ok)
            let model = try await controlPlane.store.load().model
            #expect(model.projects["chat"]?.guardrails == nil && model.keys[.key(project: "chat", id: "agent")]?.guardrails == nil)
        }
    }

    @Test("a created key's secret is shown once; listings show its prefix and state, never the secret")
    func keys() async throws {
        try await withAPI { client, controlPlane in
            try await seedProject(client)
            let created = try await send(
                client, .post, "/admin/v1/orgs/acme/projects/chat/keys", #"{"id":"ci","limits":{"tokensPerMinute":500},"scopes":["models","chat","chat"]}"#)
            let secret = try #require(created.json["key"] as? String)
            let stored = try await controlPlane.store.load().model.keys[.key(project: "chat", id: "ci")]
            #expect(stored?.sha256 == KeyHasher.sha256Hex(secret))
            #expect(stored?.limits == RateLimits(tokensPerMinute: 500))
            #expect(stored?.scopes == [.chat, .models])
            #expect((created.json["details"] as? [String: Any])?["scopes"] as? [String] == ["chat", "models"])
            let listed = try await send(client, .get, "/admin/v1/orgs/acme/projects/chat/keys?prefix=\(secret.prefix(9))")
            let keys = try #require(listed.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1 && keys[0]["status"] as? String == "active" && keys[0]["prefix"] as? String == String(secret.prefix(12)))
            let none = try await send(client, .get, "/admin/v1/orgs/acme/projects/chat/keys?prefix=sk-gw-nomatch")
            #expect((none.json["keys"] as? [Any])?.isEmpty == true)
            let revoked = try await send(client, .post, "/admin/v1/orgs/acme/projects/chat/keys/ci/revoke")
            #expect(revoked.json["status"] as? String == "revoked")
            let expired = try await send(client, .post, "/admin/v1/orgs/acme/projects/chat/keys/ci/expire")
            #expect(expired.json["expiresAt"] != nil)
            let audit = try await send(client, .get, "/admin/v1/audit?object=key/")
            #expect((audit.json["entries"] as? [[String: Any]])?.map { $0["action"] as? String } == ["updated", "updated", "created"])
        }
    }

    @Test("models with a slash are addressed percent-encoded in route and price paths")
    func slashedModels() async throws {
        try await withAPI { client, controlPlane in
            let project = "/admin/v1/orgs/acme/projects/chat"
            try await seedProject(client)
            let route = #"{"model":"meta-llama/Llama-3.1-8B","targets":[{"provider":"mock","model":"m"}]}"#
            #expect(try await send(client, .post, "\(project)/routes", route).status == .created)
            let read = try await send(client, .get, "\(project)/routes/meta-llama%2FLlama-3.1-8B")
            #expect(read.status == .ok && read.json["model"] as? String == "meta-llama/Llama-3.1-8B")
            let replaced = try await send(client, .put, "\(project)/routes/meta-llama%2FLlama-3.1-8B", #"{"targets":[{"provider":"mock","model":"n"}]}"#)
            #expect(replaced.status == .ok)
            let price = try await send(client, .put, "/admin/v1/prices/meta-llama%2FLlama-3.1-8B", #"{"inputPerMillion":0.1,"outputPerMillion":0.2}"#)
            #expect(price.status == .ok, "\(price.json)")
            #expect(try await controlPlane.store.load().model.prices["meta-llama/Llama-3.1-8B"]?.outputPerMillion == 200_000)
            #expect(try await send(client, .delete, "\(project)/routes/meta-llama%2FLlama-3.1-8B").status == .ok)
            #expect(try await controlPlane.store.load().model.routes.isEmpty)
        }
    }

    @Test("the snapshot long-poll answers 304 when nothing changed and the new version when something did")
    func longPoll() async throws {
        try await withAPI { client, controlPlane in
            let first = try await send(client, .get, "/config/v1/snapshot")
            let version = try #require(first.json["version"] as? Int)
            #expect(try await send(client, .get, "/config/v1/snapshot?after=\(version)&wait=0.1s").status == .notModified)
            #expect(try await send(client, .get, "/config/v1/snapshot?after=x").status == .badRequest)
            #expect(try await send(client, .get, "/config/v1/snapshot?after=1&wait=999s").status == .badRequest)
            async let waited = send(client, .get, "/config/v1/snapshot?after=\(version)&wait=10s")
            // The change lands only once the poll is parked, so the answer proves the poll woke for it.
            for _ in 0..<1000 where controlPlane.feed.waiting == 0 { try await Task.sleep(for: .milliseconds(2)) }
            #expect(controlPlane.feed.waiting == 1)
            try await send(client, .post, "/admin/v1/orgs", #"{"id":"late"}"#)
            let answer = try await waited
            #expect(answer.json["version"] as? Int == version + 1)
            #expect((answer.json["orgs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["late"])
            let mapping = try await send(client, .get, "/config/v1/org-mapping")
            #expect(mapping.json["version"] as? Int == version + 1)
        }
    }

    @Test("apply takes the YAML file; a broken file is 400 naming the key")
    func apply() async throws {
        try await withAPI { client, controlPlane in
            let yaml = "providers: [{ name: mock, kind: mock }]\norgs: [{ id: acme, projects: [{ id: chat }] }]\n"
            let applied = try await send(client, .post, "/admin/v1/apply", yaml)
            #expect(applied.status == .ok && (applied.json["changes"] as? [Any])?.count == 3)
            let again = try await send(client, .post, "/admin/v1/apply", yaml)
            #expect((again.json["changes"] as? [Any])?.isEmpty == true)
            let broken = try await send(client, .post, "/admin/v1/apply", "orgs: [{ id: acme, colour: red }]")
            #expect(broken.status == .badRequest && broken.errorMessage.contains("colour"))
            #expect(try await controlPlane.store.load().model.projects["chat"] != nil)
        }
    }

    @Test("PUT /admin/v1/orgs/{org} sets the org's export destinations; the org mapping carries them and no key hash")
    func orgExport() async throws {
        try await withAPI { client, controlPlane in
            try await send(client, .post, "/admin/v1/orgs", #"{"id":"acme"}"#)
            let body = #"{"export":{"otlp":[{"name":"tempo","endpoint":"https://tempo.acme.example:4318","headersEnv":{"authorization":"ACME_OTLP"}}]}}"#
            let put = try await send(client, .put, "/admin/v1/orgs/acme", body)
            #expect(put.status == .ok)
            let shown = ((put.json["export"] as? [String: Any])?["otlp"] as? [[String: Any]])?.first
            #expect(shown?["endpoint"] as? String == "https://tempo.acme.example:4318" && shown?["queueSpans"] as? Int == 8192)
            let bad = try await send(client, .put, "/admin/v1/orgs/acme", #"{"export":{"otlp":[{"name":"x","endpoint":"tempo:4318"}]}}"#)
            #expect(bad.status == .badRequest && bad.errorParam == "export.otlp[0].endpoint")
            let mapping = try await send(client, .get, "/config/v1/org-mapping")
            let exports = (mapping.json["mapping"] as? [String: Any])?["exports"] as? [String: Any]
            #expect(exports?.keys.sorted() == ["acme"])
            let stored = try await controlPlane.store.load().model.orgs["acme"]?.export.otlp
            #expect(stored?.map(\.headersEnv) == [["authorization": "ACME_OTLP"]])
            let cleared = try await send(client, .put, "/admin/v1/orgs/acme", "{}")
            let emptied = try await controlPlane.store.load().model.orgs["acme"]?.export.otlp
            #expect(cleared.status == .ok && emptied?.isEmpty == true)
        }
    }

    @Test("PUT .../projects/{project}/mcp-servers replaces a project's MCP servers; mistakes are 400 naming the field")
    func mcpServers() async throws {
        try await withAPI { client, controlPlane in
            try await seedProject(client)
            let path = "/admin/v1/orgs/acme/projects/chat/mcp-servers"
            let put = try await send(client, .put, path, #"{"servers":[{"name":"files","url":"http://127.0.0.1:9000/mcp","tools":["read_file"]}]}"#)
            #expect(put.status == .ok)
            #expect(try await controlPlane.store.load().model.projects["chat"]?.mcpServers.map(\.name) == ["files"])
            let bad = try await send(client, .put, path, #"{"servers":[{"name":"files","url":"ftp://x"}]}"#)
            #expect(bad.status == .badRequest && bad.errorParam == "servers[0].url")
            let twice = try await send(client, .put, path, #"{"servers":[{"name":"a","url":"http://x/mcp"},{"name":"a","url":"http://y/mcp"}]}"#)
            #expect(twice.status == .badRequest)
            let shown = try await send(client, .get, "/admin/v1/orgs/acme/projects/chat")
            #expect((shown.json["mcpServers"] as? [[String: Any]])?.first?["name"] as? String == "files")
            #expect(try await send(client, .put, "/admin/v1/orgs/acme/projects/ghost/mcp-servers", #"{"servers":[]}"#).status == .notFound)
            #expect(try await send(client, .put, path, #"{"servers":[]}"#).status == .ok)
            #expect(try await controlPlane.store.load().model.projects["chat"]?.mcpServers.isEmpty == true)
        }
    }

    @Test("when the store goes away, changes answer 503 and the last snapshot is still served")
    func storeGone() async throws {
        try await withAPI { client, controlPlane in
            try await send(client, .post, "/admin/v1/orgs", #"{"id":"acme"}"#)
            await controlPlane.store.close()
            let refused = try await send(client, .post, "/admin/v1/orgs", #"{"id":"later"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorMessage.contains("the change was not made"))
            let snapshot = try await send(client, .get, "/config/v1/snapshot")
            #expect(snapshot.status == .ok && (snapshot.json["orgs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["acme"])
        }
    }

    @Test("a PostgreSQL store that cannot be reached is a clear error at start")
    func unreachable() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await ConfigStore.open(url: "postgres://gateway@127.0.0.1:9/none?sslmode=disable", logger: Logger(label: "test"), timeout: .seconds(1))
        }
        #expect(error?.description.hasPrefix("store unavailable") == true)
    }
}
