import GatewayModel
import HTTPTypes
import Foundation
import NIOCore
import Telemetry
import TestSupport
import Testing

@testable import Gateway

/// A provider's answer is checked before it reaches the client: its credential failures are the
/// gateway's, a success must be JSON, and what is passed on carries no credential.
@Suite("The upstream gate: what a provider's answer may pass on")
struct UpstreamAnswerTests {
    /// Two providers behind one route: `first` (tried first), then `second`.
    static func twoTargets(first: String, second: String) -> GatewayConfig {
        TestConfig.make(
            providers: [TestConfig.provider("first", url: first, retries: 2), TestConfig.provider("second", url: second)],
            routes: [
                Route(
                    model: "gpt-4o-mini",
                    targets: [RouteTarget(provider: "first", model: "m1", weight: 1), RouteTarget(provider: "second", model: "m2", weight: 0)])
            ])
    }

    @Test("a provider's 401 or 403 is the gateway's credential: 502 upstream_auth_failed naming the provider and apiKeyEnv, never its body", arguments: [401, 403])
    func providerAuth(status: Int) async throws {
        let echo = "{\"error\":{\"message\":\"Incorrect API key provided: Bearer sk-upstream-secret\",\"type\":\"invalid_request_error\"}}"
        let upstream = FakeUpstream([.json(status: status, body: echo)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url, retries: 2)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(response, status: 502, gate: "upstream", code: "upstream_auth_failed")
                let message = response.error["message"] as? String ?? ""
                #expect(message.contains("'up'") && message.contains("UPSTREAM_KEY") && message.contains("not the caller's key"))
                #expect(!response.body.contains("sk-upstream-secret") && !response.body.contains("Incorrect API key"))
                #expect(upstream.received.count == 1, "a refused credential is not retried on the same provider")
            }
        }
    }

    @Test("a provider's 401 falls back to the next target")
    func providerAuthFallback() async throws {
        let refusing = FakeUpstream([.json(status: 401, body: "{}")])
        let serving = FakeUpstream([.json(status: 200, body: FakeUpstream.completion())])
        try await refusing.run { first in
            try await serving.run { second in
                try await GatewayHarness.run(Self.twoTargets(first: first, second: second)) { gateway in
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                    #expect(response.header("x-gateway-provider") == "second")
                }
            }
        }
    }

    @Test("a 200 whose body is not JSON is 502 upstream_invalid_response, and the next target serves")
    func invalidSuccess() async throws {
        let broken = FakeUpstream([.json(status: 200, body: "<html>Service temporarily overloaded</html>")])
        let serving = FakeUpstream([.json(status: 200, body: FakeUpstream.completion())])
        try await broken.run { first in
            try await GatewayHarness.run(TestConfig.single(url: first)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                GateDenialTests.expectDenial(response, status: 502, gate: "upstream", code: "upstream_invalid_response")
                #expect(!response.body.contains("<html>"))
                let record = try #require(await gateway.recorder.waitForRecords(1).first)
                #expect(record.reason == "upstream_invalid_response")
            }
            try await serving.run { second in
                try await GatewayHarness.run(Self.twoTargets(first: first, second: second)) { gateway in
                    let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                    #expect(response.status == 200)
                    #expect(response.header("x-gateway-provider") == "second")
                }
            }
        }
    }

    @Test("a provider's other errors are passed on scrubbed of its key and of credential-shaped text")
    func scrubbed() async throws {
        let body = "{\"error\":{\"message\":\"bad request; key sk-upstream-secret, also sk-proj-ABCDEF0123456789 and AIzaSyA1234567890abcdefghijkl\",\"param\":\"messages\"}}"
        let upstream = FakeUpstream([.json(status: 400, body: body)])
        try await upstream.run { url in
            try await GatewayHarness.run(TestConfig.single(url: url)) { gateway in
                let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat())
                #expect(response.status == 400)
                #expect(response.body.contains("bad request; key [redacted], also [redacted] and [redacted]"))
                #expect(response.error["param"] as? String == "messages")
            }
        }
    }

    @Test("credential scrubbing keeps short and ordinary text")
    func scrubberKeepsText() {
        let text = "skip sk-short and Bearer abc; tokens ok"
        #expect(String(buffer: CredentialScrubber.scrub(.init(string: text), secret: nil)) == text)
        #expect(String(buffer: CredentialScrubber.scrub(.init(string: "x Bearer eyJhbGciOi.J9x y"), secret: nil)) == "x [redacted] y")
    }

    @Test("an answer's first fields name its provider and content type, and a stream's say no-cache", arguments: [
        (nil, false, "application/json"), ("application/json", false, "application/json"), ("text/plain", false, "text/plain"),
        ("text/event-stream", true, "text/event-stream"), (nil, true, "application/json"), ("application/json; charset=utf-8", true, "application/json; charset=utf-8"),
    ])
    func answerFields(contentType: String?, stream: Bool, expected: String) {
        let pooled = PooledProvider(provider: MockProvider(latency: .zero), config: ProviderConfig(name: "up-1", kind: .mock))
        var fields: HTTPFields = [.gatewayProvider: "up-1", .contentType: expected]
        if stream { fields[.cacheControl] = "no-cache" }
        #expect(pooled.answerFields(contentType: contentType, stream: stream) == fields)
        #expect(Array(pooled.answerFields(contentType: contentType, stream: stream)) == Array(fields), "in this order")
    }
}
