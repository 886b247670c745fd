import GatewayModel
import Foundation
import Gateway
import HTTPTypes
import NIOHTTP1
import Telemetry
import TestSupport
import Testing

@Suite("Denials by the reconcile, key-auth and routing gates")
struct GateDenialTests {
    /// Checks the error shape and headers every denial carries.
    static func expectDenial(_ response: TestResponse, status: Int, gate: String, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.header("x-gateway-gate") == gate, sourceLocation: sourceLocation)
        #expect(response.header("x-request-id")?.count == 32, sourceLocation: sourceLocation)
        #expect(response.error["gate"] as? String == gate, sourceLocation: sourceLocation)
        #expect(response.error["code"] as? String == code, sourceLocation: sourceLocation)
        #expect((response.error["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(response.error["type"] is String, sourceLocation: sourceLocation)
    }

    @Test("before a configuration is applied every request gets 503 from reconcile, and readiness fails")
    func reconcile() async throws {
        try await GatewayHarness.run(nil) { gateway in
            Self.expectDenial(
                try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat()), status: 503, gate: "reconcile",
                code: "config_not_applied")
            #expect(try await gateway.send("/readyz", method: .GET).status == 503)
            gateway.active.apply(SnapshotIndex(version: 7, config: TestConfig.single(url: "http://127.0.0.1:9/v1")))
            #expect(try await gateway.send("/readyz", method: .GET).status == 200)
            #expect(try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt")).status == 200)
        }
    }

    /// The key is read from the head's bytes where one `Authorization` field carries it, and from
    /// the fields' joined value where several do, as HTTP reads them; `x-api-key` is read when no
    /// bearer token is.
    @Test("a key is found in a bearer token of any case and spacing, or in x-api-key; repeated Authorization fields name no key")
    func keyPresented() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let body = GatewayHarness.chat("mock-gpt")
            let cases: [([(String, String)], Int, String?)] = [
                ([("authorization", "Bearer \(testKey)")], 200, nil),
                ([("AUTHORIZATION", "bEaReR \t \(testKey)")], 200, nil),
                ([("authorization", "Basic abc"), ("x-api-key", testKey)], 200, nil),
                ([("authorization", "Bearer"), ("x-api-key", testKey)], 200, nil),
                ([("authorization", "Bearer \(testKey)"), ("authorization", "Bearer \(testKey)")], 401, "key_unknown"),
                ([("authorization", "Bearer \(testKey)x")], 401, "key_unknown"),
                ([("x-api-key", "")], 401, "key_missing"),
            ]
            for (headers, status, code) in cases {
                let response = try await gateway.send("/v1/chat/completions", body: body, key: nil, headers: headers)
                if let code {
                    Self.expectDenial(response, status: status, gate: "key-auth", code: code)
                } else {
                    #expect(response.status == status, "\(headers)")
                }
            }
        }
    }

    @Test("missing, unknown, expired and revoked keys get 401 from key-auth without echoing the key")
    func keyAuth() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1"), now: { now }) { gateway in
            let body = GatewayHarness.chat("mock-gpt")
            Self.expectDenial(try await gateway.send("/v1/chat/completions", body: body, key: nil), status: 401, gate: "key-auth", code: "key_missing")
            let unknown = try await gateway.send("/v1/chat/completions", body: body, key: "sk-gw-not-a-real-key")
            Self.expectDenial(unknown, status: 401, gate: "key-auth", code: "key_unknown")
            #expect(!unknown.body.contains("sk-gw-not-a-real-key"))
            let expired = try await gateway.send("/v1/chat/completions", body: body, key: expiredKey)
            Self.expectDenial(expired, status: 401, gate: "key-auth", code: "key_expired")
            #expect(!expired.body.contains(expiredKey))
            let revoked = try await gateway.send("/v1/chat/completions", body: body, key: revokedKey)
            Self.expectDenial(revoked, status: 401, gate: "key-auth", code: "key_revoked")
            #expect(!revoked.body.contains(revokedKey) && revoked.body.contains("revoked"))
            Self.expectDenial(
                try await gateway.send("/v1/chat/completions", body: body, key: nil, headers: [("authorization", "Basic abc")]),
                status: 401, gate: "key-auth", code: "key_missing")
            let records = await gateway.recorder.waitForRecords(5)
            #expect(records.map(\.reason) == ["key_missing", "key_unknown", "key_expired", "key_revoked", "key_missing"])
            #expect(records.allSatisfy { $0.decidingGate?.gate == "key-auth" && $0.decidingGate?.decision == .deny && $0.status == 401 })
            #expect(records.allSatisfy { $0.gates.map(\.gate) == ["reconcile", "payload", "key-auth"] })
            #expect(records.map(\.projectID) == ["", "", "chatbot", "chatbot", ""], "an expired or revoked key still names its project")
        }
    }

    @Test("a key without the endpoint's scope gets 403 from key-auth naming the scope; its own scope works")
    func keyScope() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let chat = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt"), key: modelsOnlyKey)
            Self.expectDenial(chat, status: 403, gate: "key-auth", code: "key_scope_missing")
            #expect(chat.error["type"] as? String == "permission_error")
            #expect((chat.error["message"] as? String)?.contains("may not call 'chat' (its scopes: models)") == true)
            let embeddings = try await gateway.send("/v1/embeddings", body: #"{"model":"mock-gpt","input":"hi"}"#, key: modelsOnlyKey)
            Self.expectDenial(embeddings, status: 403, gate: "key-auth", code: "key_scope_missing")
            #expect(try await gateway.send("/v1/models", method: .GET, key: modelsOnlyKey).status == 200)
            #expect(try await gateway.send("/v1/models", method: .GET).status == 200, "a key without scopes may call everything")
            let records = await gateway.recorder.waitForRecords(4)
            #expect(records.map(\.status) == [403, 403, 200, 200])
            #expect(records.prefix(2).allSatisfy { $0.projectID == "chatbot" && $0.decidingGate?.gate == "key-auth" }, "the denial is the project's telemetry")
        }
    }

    @Test("a model the project does not route gets 404 naming model and project")
    func routing() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("private-model"))
            Self.expectDenial(response, status: 404, gate: "routing", code: "model_not_routed")
            let message = try #require(response.error["message"] as? String)
            #expect(message.contains("'private-model'") && message.contains("'chatbot'"))
            #expect(response.error["param"] as? String == "model")
        }
    }

    @Test("the payload gate runs before key-auth: a bad body without a key is a 400, not a 401")
    func order() async throws {
        try await GatewayHarness.run(TestConfig.single(url: "http://127.0.0.1:9/v1")) { gateway in
            Self.expectDenial(try await gateway.send("/v1/chat/completions", body: "{", key: nil), status: 400, gate: "payload", code: "invalid_json")
        }
    }
}
