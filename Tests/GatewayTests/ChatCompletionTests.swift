import GatewayModel
import Foundation
import Gateway
import HTTPTypes
import NIOHTTP1

import Telemetry
import TestSupport
import Testing

@Suite("Chat completions, embeddings and models through the chain")
struct ChatCompletionTests {
    @Test("a completion is forwarded with the routed model, unknown fields untouched, and relayed back")
    func forwardsAndRelays() async throws {
        let upstream = FakeUpstream([.json(status: 200, body: FakeUpstream.completion(prompt: 12, completion: 5, cached: 4))])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\u00e9\"}],\"temperature\":0.25,\"x_vendor\":{\"a\":[1,2]}}"
                let response = try await gateway.send("/v1/chat/completions", body: body)
                #expect(response.status == 200)
                #expect(response.body == FakeUpstream.completion(prompt: 12, completion: 5, cached: 4))
                #expect(response.header("x-gateway-provider") == "up")
                let requestID = try #require(response.header("x-request-id"))
                #expect(requestID.count == 32)

                let sent = try #require(upstream.received.first)
                #expect(sent.path == "/v1/chat/completions")
                #expect(sent.body == body.replacingOccurrences(of: "\"gpt-4o-mini\"", with: "\"upstream-model\""))
                #expect(sent.headers[.authorization] == "Bearer sk-upstream-secret")
                #expect(sent.headers[HTTPField.Name("x-request-id")!] == requestID)

                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.status == 200 && record.decidingGate?.gate == "upstream" && record.decidingGate?.decision == .pass)
                #expect(record.gates.map(\.gate) == ["reconcile", "payload", "key-auth", "routing", "guardrails", "budget", "upstream"])
                #expect(record.keyID == "ci" && record.projectID == "chatbot")
                #expect(record.requestedModel == "gpt-4o-mini" && record.routedModel == "upstream-model")
                #expect(record.inputTokens == 12 && record.outputTokens == 5 && record.cachedInputTokens == 4)
                #expect(record.traceID.description == requestID)
            }
        }
    }

    @Test("the x-api-key header authenticates like a bearer token")
    func apiKeyHeader() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let response = try await gateway.send(
                "/v1/chat/completions", body: GatewayHarness.chat("mock-gpt"), key: nil, headers: [("x-api-key", testKey)])
            #expect(response.status == 200)
            #expect((response.json["choices"] as? [[String: Any]])?.isEmpty == false)
        }
    }

    @Test("the mock provider answers deterministically with realistic usage")
    func mockProvider() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let body = GatewayHarness.chat("mock-gpt", extra: ",\"max_tokens\":4")
            let first = try await gateway.send("/v1/chat/completions", body: body)
            let second = try await gateway.send("/v1/chat/completions", body: body)
            #expect(first.status == 200)
            let strip: (String) -> String = { $0.replacingOccurrences(of: #"chatcmpl-[0-9a-f]+"#, with: "", options: .regularExpression) }
            #expect(strip(first.body) == strip(second.body))
            let choice = try #require((first.json["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "length")
            let usage = try #require(first.json["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 4)
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0)
        }
    }

    @Test("embeddings are forwarded to the routed provider")
    func embeddings() async throws {
        let upstream = FakeUpstream([.json(status: 200, body: #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}],"model":"e","usage":{"prompt_tokens":3,"total_tokens":3}}"#)])
        try await upstream.run { url in
            let config = TestConfig.make(
                providers: [TestConfig.provider("up", url: url)],
                routes: [Route(model: "text-embedding-3-small", targets: [RouteTarget(provider: "up", model: "e")])])
            try await GatewayHarness.run(config) { gateway in
                let response = try await gateway.send("/v1/embeddings", body: #"{"model":"text-embedding-3-small","input":"hello"}"#)
                #expect(response.status == 200)
                #expect(upstream.received.first?.path == "/v1/embeddings")
                #expect(upstream.received.first?.body == #"{"model":"e","input":"hello"}"#)
                #expect(await gateway.recorder.waitForRecords(1).first?.inputTokens == 3)
            }
        }
    }

    @Test("GET /v1/models lists only the caller's project's models")
    func models() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let response = try await gateway.send("/v1/models", method: .GET)
            #expect(response.status == 200)
            let ids = (response.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["gpt-4o-mini", "mock-gpt"])
            let queried = try await gateway.send("/v1/models?after=gpt", method: .GET)
            #expect(queried.status == 200, "a query string is not part of the path")
            #expect((queried.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ids)
            let other = try await gateway.send("/v1/models", method: .GET, key: "sk-gw-other-key")
            #expect((other.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["private-model"])
            let anonymous = try await gateway.send("/v1/models", method: .GET, key: nil)
            #expect(anonymous.status == 401)
        }
    }

    @Test("health, readiness, unknown paths and wrong methods; every response carries x-request-id")
    func probes() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let health = try await gateway.send("/healthz", method: .GET, key: nil)
            #expect(health.status == 200)
            #expect(try await gateway.send("/healthz?full=1", method: .GET, key: nil).status == 200)
            #expect(try await gateway.send("/healthz?", method: .GET, key: nil).status == 200)
            #expect(try await gateway.send("/v1/nothing-here?/healthz", method: .GET, key: nil).status == 404)
            let ready = try await gateway.send("/readyz", method: .GET, key: nil)
            #expect(ready.status == 200 && ready.body.contains("\"configVersion\":1"))
            let unknown = try await gateway.send("/v1/nothing-here", key: nil)
            #expect(unknown.status == 404)
            #expect(unknown.error["code"] as? String == "unknown_endpoint")
            let wrongMethod = try await gateway.send("/v1/chat/completions", method: .GET, key: nil)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("allow") == "POST")
            #expect(wrongMethod.error["code"] as? String == "invalid_request")
            for response in [health, ready, unknown, wrongMethod] { #expect(response.header("x-request-id")?.count == 32) }
        }
    }
}
