import Foundation
import GatewayModel
import Guardrails
import HTTPTypes
import Telemetry
import TestSupport
import Testing

@testable import Gateway

/// The test gateway with an `anthropic` provider (route `claude`), a `gemini` one (route
/// `gemini`) and an OpenAI-compatible one (route `gpt-4o-mini`), each at `url` when given.
private func providerConfig(anthropic: String? = nil, gemini: String? = nil, openai: String? = nil, retries: Int = 0) -> GatewayConfig {
    var providers: [ProviderConfig] = []
    var routes = [Route(model: "mock-gpt", targets: [RouteTarget(provider: "mock", model: "mock-gpt")])]
    if let anthropic {
        providers.append(
            ProviderConfig(name: "claude-api", kind: .anthropic, baseURL: anthropic, apiKeyEnv: "UPSTREAM_KEY", timeoutSeconds: TestConfig.providerTimeout, maxRetries: retries, retryBackoffMilliseconds: 1))
        routes.append(Route(model: "claude", targets: [RouteTarget(provider: "claude-api", model: "claude-sonnet-4-5")]))
    }
    if let gemini {
        providers.append(ProviderConfig(name: "gemini-api", kind: .gemini, baseURL: gemini, apiKeyEnv: "UPSTREAM_KEY", timeoutSeconds: TestConfig.providerTimeout, maxRetries: retries, retryBackoffMilliseconds: 1))
        routes.append(Route(model: "gemini", targets: [RouteTarget(provider: "gemini-api", model: "gemini-2.5-flash")]))
    }
    if let openai {
        providers.append(TestConfig.provider("up", url: openai))
        routes.append(Route(model: "gpt-4o-mini", targets: [RouteTarget(provider: "up", model: "gpt-4o-mini")]))
    }
    return TestConfig.make(providers: providers, routes: routes)
}

private func json(_ text: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }

/// The `data:` JSON objects of an SSE body, `[DONE]` left out.
private func events(_ body: String) -> [[String: Any]] {
    body.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") && $0 != "data: [DONE]" }.map { json(String($0.dropFirst(6))) }
}

@Suite("Anthropic and Gemini providers, and the /v1/messages front door, through the gateway")
struct ProviderRouteTests {
    @Test(
        "a chat request to an anthropic provider: translated there and back, usage and cost exact",
        arguments: [
            // fixture, finish reason, prompt, cached, output, micro-USD at claude-sonnet-4-5 (3 / 0.30 cache hits / 3.75 cache writes / 15)
            (ProviderFixtures.anthropicText, "stop", 12, 0, 9, 171),  // 12 × 3 + 9 × 15
            (ProviderFixtures.anthropicToolUse, "tool_calls", 384, 0, 58, 2_022),  // 384 × 3 + 58 × 15
            (ProviderFixtures.anthropicRefusal, "content_filter", 20, 0, 0, 60),  // 20 × 3
            (ProviderFixtures.anthropicMaxTokens, "length", 15, 0, 3, 90),  // 15 × 3 + 3 × 15
            (ProviderFixtures.anthropicCached, "stop", 12_050, 10_000, 100, 12_150),  // 50 × 3 + 10,000 × 0.3 + 2,000 × 3.75 + 100 × 15
        ] as [(String, String, Int, Int, Int, Int64)])
    func chatToAnthropic(fixture: String, finish: String, prompt: Int, cached: Int, output: Int, cost: Int64) async throws {
        let upstream = FakeUpstream([.json(status: 200, body: fixture)])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(anthropic: url)) { gateway in
                let response = try await gateway.send(
                    "/v1/chat/completions", body: #"{"model":"claude","messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hello"}]}"#)
                #expect(response.status == 200 && response.header("x-gateway-provider") == "claude-api")
                let choice = try #require((response.json["choices"] as? [[String: Any]])?.first)
                #expect(choice["finish_reason"] as? String == finish)
                let usage = try #require(response.json["usage"] as? [String: Any])
                #expect(usage["prompt_tokens"] as? Int == prompt && usage["completion_tokens"] as? Int == output)

                let sent = try #require(upstream.received.first)
                #expect(sent.path == "/v1/messages")
                #expect(sent.headers[HTTPField.Name("x-api-key")!] == "sk-upstream-secret" && sent.headers[.authorization] == nil)
                #expect(sent.headers[HTTPField.Name("anthropic-version")!] == "2023-06-01")
                let body = json(sent.body)
                #expect(body["model"] as? String == "claude-sonnet-4-5" && body["max_tokens"] as? Int == ProviderConfig.standardMaxTokens)
                #expect((body["system"] as? [[String: Any]])?.first?["text"] as? String == "Be kind.")

                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.status == 200 && record.provider == "claude-api" && record.operation == "chat")
                #expect(record.inputTokens == UInt32(prompt) && record.cachedInputTokens == UInt32(cached) && record.outputTokens == UInt32(output))
                #expect(record.costMicroUSD == cost && record.costFlags.isEmpty)
            }
        }
    }

    @Test("a streamed chat request to an anthropic provider: chunks, the usage chunk when asked, usage and cost")
    func chatStreamToAnthropic() async throws {
        let upstream = FakeUpstream([.rawStream(ProviderFixtures.anthropicStream, piece: 17)])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(anthropic: url)) { gateway in
                let body = #"{"model":"claude","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#
                let response = try await gateway.send("/v1/chat/completions", body: body)
                #expect(response.status == 200 && response.header("content-type") == "text/event-stream")
                let chunks = events(response.body)
                let text = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String }.joined()
                #expect(text == "Hello from Claude" && response.body.hasSuffix("data: [DONE]\n\n"))
                let usage = try #require(chunks.last?["usage"] as? [String: Any])
                #expect(usage["prompt_tokens"] as? Int == 125 && usage["completion_tokens"] as? Int == 15)
                #expect(json(upstream.received[0].body)["stream"] as? Bool == true)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.inputTokens == 125 && record.cachedInputTokens == 100 && record.outputTokens == 15)
                #expect(record.costMicroUSD == 25 * 3 + 30 + 15 * 15 && record.streamed)
            }
        }
    }

    @Test("an overloaded anthropic provider (529) is retried; a mid-stream error reaches the client as an error event")
    func anthropicFailures() async throws {
        let upstream = FakeUpstream([
            .json(status: 529, body: ProviderFixtures.anthropicOverloaded), .json(status: 200, body: ProviderFixtures.anthropicText),
            .json(status: 529, body: ProviderFixtures.anthropicOverloaded), .json(status: 529, body: ProviderFixtures.anthropicOverloaded),
            .json(status: 400, body: ProviderFixtures.anthropicInvalid), .rawStream(ProviderFixtures.anthropicErrorStream),
        ])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(anthropic: url, retries: 1)) { gateway in
                let chat = #"{"model":"claude","messages":[{"role":"user","content":"Hi"}]}"#
                let retried = try await gateway.send("/v1/chat/completions", body: chat)
                #expect(retried.status == 200)
                let gaveUp = try await gateway.send("/v1/chat/completions", body: chat)
                #expect(gaveUp.status == 503 && gaveUp.header("x-gateway-gate") == "upstream" && gaveUp.error["code"] as? String == "upstream_error")
                let refused = try await gateway.send("/v1/chat/completions", body: chat)
                #expect(refused.status == 400 && refused.error["message"] as? String == "messages.0.content: Input should be a valid list")
                let broken = try await gateway.send("/v1/chat/completions", body: #"{"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(broken.status == 200)
                let last = try #require(events(broken.body).last)
                #expect((last["error"] as? [String: Any])?["code"] as? String == "overloaded_error" && !broken.body.contains("[DONE]"))
                let records = await gateway.recorder.waitForRecords(4)
                #expect(records.map(\.attempts) == [2, 2, 1, 1])
                #expect(records[3].reason == "upstream_error")
            }
        }
    }

    @Test(
        "a chat request to a gemini provider: its path and key, translated there and back, usage and cost exact",
        arguments: [
            // fixture, finish, prompt, cached, output, micro-USD at gemini-2.5-flash (0.30 / 0.03 cached / 2.50)
            (ProviderFixtures.geminiText, "stop", 10, 0, 4, 13),  // 10 × 0.3 + 4 × 2.5
            (ProviderFixtures.geminiThinkingCached, "stop", 1000, 800, 250, 709),  // 200 × 0.3 + 800 × 0.03 + (50 + 200) × 2.5
            (ProviderFixtures.geminiToolCall, "tool_calls", 60, 0, 7, 36),  // 18 + 17.5, rounded up
            (ProviderFixtures.geminiSafety, "content_filter", 9, 0, 0, 3),  // 2.7, rounded up
            (ProviderFixtures.geminiMaxTokens, "length", 8, 0, 2, 8),  // 2.4 + 5, rounded up
        ] as [(String, String, Int, Int, Int, Int64)])
    func chatToGemini(fixture: String, finish: String, prompt: Int, cached: Int, output: Int, cost: Int64) async throws {
        let upstream = FakeUpstream([.json(status: 200, body: fixture)])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(gemini: url)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: #"{"model":"gemini","messages":[{"role":"user","content":"Hello"}]}"#)
                #expect(response.status == 200)
                #expect((response.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == finish)
                let sent = try #require(upstream.received.first)
                #expect(sent.path == "/v1/models/gemini-2.5-flash:generateContent")
                #expect(sent.headers[HTTPField.Name("x-goog-api-key")!] == "sk-upstream-secret" && sent.headers[.authorization] == nil)
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.inputTokens == UInt32(prompt) && record.cachedInputTokens == UInt32(cached) && record.outputTokens == UInt32(output))
                #expect(record.costMicroUSD == cost)
            }
        }
    }

    @Test("a streamed chat request to a gemini provider uses streamGenerateContent with alt=sse; an overloaded one is retried")
    func chatStreamToGemini() async throws {
        let upstream = FakeUpstream([.json(status: 503, body: ProviderFixtures.geminiOverloaded), .rawStream(ProviderFixtures.geminiStream, piece: 9)])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(gemini: url, retries: 1)) { gateway in
                let response = try await gateway.send(
                    "/v1/chat/completions", body: #"{"model":"gemini","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(response.status == 200)
                let chunks = events(response.body)
                let text = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String }.joined()
                #expect(text == "Hello from Gemini" && response.body.hasSuffix("data: [DONE]\n\n"))
                // The client did not ask for the usage chunk: the gateway read it and cut it.
                #expect(!response.body.contains("\"usage\""))
                #expect(upstream.received.map(\.path) == Array(repeating: "/v1/models/gemini-2.5-flash:streamGenerateContent", count: 2))
                #expect(upstream.received[1].query == "alt=sse")
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.inputTokens == 7 && record.outputTokens == 8 && record.costMicroUSD == 23 && record.attempts == 2)
            }
        }
    }

    @Test("/v1/messages to an anthropic provider passes the body and the answer through, the model name aside")
    func messagesPassThrough() async throws {
        let upstream = FakeUpstream([.json(status: 200, body: ProviderFixtures.anthropicCached), .rawStream(ProviderFixtures.anthropicStream)])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(anthropic: url)) { gateway in
                let body = #"{"model":"claude","max_tokens":50,"system":[{"type":"text","text":"Doc","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Q?"}],"thinking":{"type":"enabled","budget_tokens":1024}}"#
                let response = try await gateway.send(
                    "/v1/messages", body: body, key: nil,
                    headers: [("x-api-key", testKey), ("anthropic-version", "2023-06-01"), ("anthropic-beta", "prompt-caching-2024-07-31")])
                #expect(response.status == 200 && response.body == ProviderFixtures.anthropicCached)
                #expect(response.header("request-id") == response.header("x-request-id"))
                let sent = try #require(upstream.received.first)
                #expect(sent.path == "/v1/messages" && sent.body == body.replacingOccurrences(of: "\"claude\"", with: "\"claude-sonnet-4-5\""))
                #expect(sent.headers[HTTPField.Name("anthropic-beta")!] == "prompt-caching-2024-07-31")
                #expect(sent.headers[HTTPField.Name("x-api-key")!] == "sk-upstream-secret")

                let stream = try await gateway.send(
                    "/v1/messages", body: #"{"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Q?"}]}"#)
                #expect(stream.body == ProviderFixtures.anthropicStream)
                #expect(!upstream.received[1].body.contains("stream_options"))
                let records = await gateway.recorder.waitForRecords(2)
                #expect(records[0].inputTokens == 12_050 && records[0].cachedInputTokens == 10_000 && records[0].outputTokens == 100)
                #expect(records[0].costMicroUSD == 12_150)
                #expect(records[1].inputTokens == 125 && records[1].cachedInputTokens == 100 && records[1].outputTokens == 15)
                #expect(records.allSatisfy { $0.operation == "chat" && $0.provider == "claude-api" })
            }
        }
    }

    @Test("/v1/messages to an OpenAI-compatible provider: translated there, the answer and the stream translated back")
    func messagesToOpenAI() async throws {
        let upstream = FakeUpstream([
            .json(status: 200, body: FakeUpstream.completion(model: "gpt-4o-mini", content: "Hi there", prompt: 30, completion: 3, cached: 10)),
            .stream(events: FakeUpstream.streamEvents(words: ["Hi", "there"], prompt: 30, completion: 2)),
            .json(status: 400, body: #"{"error":{"message":"bad temperature","type":"invalid_request_error"}}"#),
        ])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(openai: url)) { gateway in
                let body = #"{"model":"gpt-4o-mini","max_tokens":50,"system":"Short.","messages":[{"role":"user","content":"Hello"}]}"#
                let response = try await gateway.send("/v1/messages", body: body)
                #expect(response.status == 200)
                #expect(response.json["type"] as? String == "message" && response.json["stop_reason"] as? String == "end_turn")
                #expect((response.json["content"] as? [[String: Any]])?.first?["text"] as? String == "Hi there")
                let usage = try #require(response.json["usage"] as? [String: Any])
                #expect(usage["input_tokens"] as? Int == 20 && usage["cache_read_input_tokens"] as? Int == 10 && usage["output_tokens"] as? Int == 3)
                let sent = json(upstream.received[0].body)
                #expect(upstream.received[0].path == "/v1/chat/completions")
                #expect((sent["messages"] as? [[String: Any]])?.first?["content"] as? String == "Short." && sent["max_tokens"] as? Int == 50)

                let stream = try await gateway.send(
                    "/v1/messages", body: #"{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hello"}]}"#)
                #expect(stream.body.hasPrefix("event: message_start\n") && stream.body.hasSuffix("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
                let delta = try #require(events(stream.body).first { $0["type"] as? String == "message_delta" })
                #expect((delta["usage"] as? [String: Any])?["input_tokens"] as? Int == 30 && (delta["usage"] as? [String: Any])?["output_tokens"] as? Int == 2)

                let refused = try await gateway.send("/v1/messages", body: body)
                #expect(refused.status == 400 && refused.json["type"] as? String == "error")
                #expect((refused.json["error"] as? [String: Any])?["message"] as? String == "bad temperature")
                let records = await gateway.recorder.waitForRecords(3)
                #expect(records[0].inputTokens == 30 && records[0].cachedInputTokens == 10 && records[0].outputTokens == 3)
                #expect(records[1].inputTokens == 30 && records[1].outputTokens == 2)
            }
        }
    }

    @Test("/v1/messages denials come in the Anthropic error shape with the gate; a bad body gets a 400 naming the field")
    func messagesDenials() async throws {
        try await GatewayHarness.run(providerConfig()) { gateway in
            let body = #"{"model":"mock-gpt","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"#
            let cases: [(String?, String, Int, String, String)] = [
                (nil, body, 401, "key-auth", "authentication_error"),
                ("sk-gw-unknown-0000000000", body, 401, "key-auth", "authentication_error"),
                (testKey, body.replacingOccurrences(of: "mock-gpt", with: "nope"), 404, "routing", "not_found_error"),
                (testKey, #"{"model":"mock-gpt","messages":[{"role":"user","content":"Hi"}]}"#, 400, "payload", "invalid_request_error"),
                (testKey, #"{"model":"mock-gpt","max_tokens":10,"system":42,"messages":[{"role":"user","content":"Hi"}]}"#, 400, "payload", "invalid_request_error"),
                (testKey, #"{"model":"mock-gpt","max_tokens":-1,"messages":[{"role":"user","content":"Hi"}]}"#, 400, "payload", "invalid_request_error"),
                (testKey, "{", 400, "payload", "invalid_request_error"),
                (expiredKey, body, 401, "key-auth", "authentication_error"),
                (modelsOnlyKey, body, 403, "key-auth", "permission_error"),
            ]
            for (key, text, status, gate, type) in cases {
                let response = try await gateway.send("/v1/messages", body: text, key: nil, headers: key.map { [("x-api-key", $0)] } ?? [])
                #expect(response.status == status && response.header("x-gateway-gate") == gate, "\(text)")
                let error = response.json["error"] as? [String: Any]
                #expect(response.json["type"] as? String == "error" && error?["type"] as? String == type && error?["gate"] as? String == gate, "\(response.body)")
            }
            // Through the mock, the answer is a Messages answer.
            let served = try await gateway.send("/v1/messages", body: body)
            #expect(served.status == 200 && served.json["type"] as? String == "message")
        }
    }

    @Test("guardrails read a Messages request (system and tool results too) and a Messages answer, whole and streamed")
    func messagesGuardrails() async throws {
        let secretAnswer = ProviderFixtures.anthropicText.replacingOccurrences(of: "Hello! How can I help you today?", with: "Your key is AKIAIOSFODNN7EXAMPLE")
        let leakingStream = ProviderFixtures.anthropicStream.replacingOccurrences(of: " Claude", with: " mail jane@example.com ok")
        let upstream = FakeUpstream([.json(status: 200, body: ProviderFixtures.anthropicText), .json(status: 200, body: secretAnswer), .rawStream(leakingStream)])
        try await upstream.run { url in
            var config = providerConfig(anthropic: url)
            config.orgs[0].projects[0].guardrails = GuardrailPolicy(
                input: GuardrailRules(pii: .redact, secrets: .block), output: GuardrailRules(pii: .redact, secrets: .block))
            try await GatewayHarness.run(config) { gateway in
                let blocked = try await gateway.send(
                    "/v1/messages",
                    body: #"{"model":"claude","max_tokens":10,"system":"key AKIAIOSFODNN7EXAMPLE","messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(blocked.status == 403 && blocked.header("x-gateway-gate") == "guardrails")
                #expect((blocked.json["error"] as? [String: Any])?["param"] as? String == "system" && blocked.json["type"] as? String == "error")
                let hidden = try await gateway.send(
                    "/v1/messages",
                    body: #"{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"AKIAIOSFODNN7EXAMPLE"}]}]}"#)
                #expect(hidden.status == 403 && (hidden.json["error"] as? [String: Any])?["param"] as? String == "messages[0]")
                #expect(upstream.received.isEmpty)

                let redacted = try await gateway.send(
                    "/v1/messages", body: #"{"model":"claude","max_tokens":10,"system":"Mail jane@example.com","messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(redacted.status == 200 && upstream.received.first?.body.contains("Mail [EMAIL]") == true)
                let answerBlocked = try await gateway.send("/v1/messages", body: #"{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(answerBlocked.status == 403 && answerBlocked.json["type"] as? String == "error" && !answerBlocked.body.contains("AKIA"))
                let stream = try await gateway.send(
                    "/v1/messages", body: #"{"model":"claude","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
                #expect(stream.body.contains("[EMAIL]") && !stream.body.contains("jane@example.com") && stream.body.hasSuffix("event: message_stop\ndata: {\"type\":\"message_stop\"}\r\n\r\n"))
            }
        }
    }

    @Test("a request the provider's API cannot express, or that names a key twice, is refused with 400 before any provider is called")
    func untranslatable() async throws {
        let upstream = FakeUpstream([])
        try await upstream.run { url in
            try await GatewayHarness.run(providerConfig(anthropic: url, gemini: url)) { gateway in
                for model in ["claude", "gemini"] {
                    let response = try await gateway.send(
                        "/v1/chat/completions", body: #"{"model":"\#(model)","messages":[{"role":"user","role":"system","content":"Hi"}]}"#)
                    #expect(response.status == 400 && response.error["code"] as? String == "invalid_request", "\(response.body)")
                    let audio = try await gateway.send(
                        "/v1/chat/completions", body: #"{"model":"\#(model)","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}"#)
                    #expect(audio.status == 400 && audio.error["param"] as? String == "messages[0].content[0]")
                    let embeddings = try await gateway.send("/v1/embeddings", body: #"{"model":"\#(model)","input":"x"}"#)
                    #expect(embeddings.status == 400 && embeddings.error["param"] as? String == "model")
                }
                #expect(upstream.received.isEmpty)
            }
        }
    }
}
