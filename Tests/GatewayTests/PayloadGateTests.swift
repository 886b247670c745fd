import GatewayModel
import Foundation
import Gateway
import NIOCore
import Telemetry
import TestSupport
import Testing

@Suite("The payload gate: sizes and malformed bodies")
struct PayloadGateTests {
    static let noUpstream = "http://127.0.0.1:9/v1"

    @Test(
        "malformed bodies get 400 from payload with the reason and field",
        arguments: [
            ("", "empty_body", nil),
            ("{", "invalid_json", nil),
            ("{\"model\":\"mock-gpt\",}", "invalid_json", nil),
            ("[1,2]", "invalid_json", nil),
            ("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing", "invalid_json", nil),
            ("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_request", "model"),
            ("{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_request", "model"),
            ("{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_request", "model"),
            ("{\"model\":\"mock-gpt\"}", "invalid_request", "messages"),
            ("{\"model\":\"mock-gpt\",\"messages\":\"hello\"}", "invalid_request", "messages"),
            ("{\"model\":\"mock-gpt\",\"messages\":[]}", "invalid_request", "messages"),
            ("{\"model\":\"mock-gpt\",\"messages\":[\"hello\"]}", "invalid_request", "messages"),
            ("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}", "invalid_request", "stream"),
            ("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-1}", "invalid_request", "max_tokens"),
            ("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1.5}", "invalid_request", "max_tokens"),
            ("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":true}", "invalid_request", "stream_options"),
        ] as [(String, String, String?)])
    func malformed(body: String, code: String, param: String?) async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream)) { gateway in
            let response = try await gateway.send("/v1/chat/completions", body: body)
            GateDenialTests.expectDenial(response, status: 400, gate: "payload", code: code)
            #expect(response.error["param"] as? String == param)
        }
    }

    @Test("a header-only POST (no body at all) gets 400 empty_body")
    func headerOnly() async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream)) { gateway in
            GateDenialTests.expectDenial(try await gateway.send("/v1/chat/completions", body: nil), status: 400, gate: "payload", code: "empty_body")
        }
    }

    @Test("a body that is not UTF-8 gets 400 invalid_json")
    func notUTF8() async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream)) { gateway in
            var bytes = Array("{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"".utf8)
            bytes += [0xC3, 0x28, 0xFF]
            bytes += Array("\"}]}".utf8)
            let response = await RawHTTP.exchange(
                port: gateway.port,
                head: "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(testKey)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n",
                body: bytes)
            #expect(response.response.hasPrefix("HTTP/1.1 400"))
            #expect(response.response.contains("not valid UTF-8"))
            #expect(response.response.contains("x-gateway-gate: payload"))
        }
    }

    @Test("embeddings need an input")
    func embeddingsInput() async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream)) { gateway in
            let response = try await gateway.send("/v1/embeddings", body: "{\"model\":\"mock-gpt\",\"input\":3}")
            GateDenialTests.expectDenial(response, status: 400, gate: "payload", code: "invalid_request")
            #expect(response.error["param"] as? String == "input")
        }
    }

    @Test("a declared 50 MiB body gets 413 before it is sent, and the connection closes")
    func declaredTooLarge() async throws {
        let config = TestConfig.single(url: Self.noUpstream, maxRequestBytes: GatewaySettings.defaultMaxRequestBytes)
        try await GatewayHarness.run(config) { gateway in
            // Only 1 MiB of the declared 50 MiB is ever sent: the answer cannot depend on reading it all.
            let result = await RawHTTP.exchange(
                port: gateway.port,
                head: "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(50 << 20)\r\n\r\n",
                body: [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20))
            #expect(result.response.hasPrefix("HTTP/1.1 413"))
            #expect(result.response.contains("x-gateway-gate: payload"))
            #expect(result.response.contains("\"code\":\"payload_too_large\""))
            #expect(result.closed)
            #expect(await gateway.recorder.waitForRecords(1).first?.reason == "payload_too_large")
        }
    }

    @Test("a chunked body is cut off with 413 as soon as it passes the limit")
    func chunkedTooLarge() async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream, maxRequestBytes: 100_000)) { gateway in
            var body: [UInt8] = []
            for _ in 0..<4 {
                body += Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 0x10000) + Array("\r\n".utf8)
            }
            // No terminating chunk: the client never finishes the body.
            let result = await RawHTTP.exchange(
                port: gateway.port,
                head: "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", body: body)
            #expect(result.response.hasPrefix("HTTP/1.1 413"))
            #expect(result.closed)
        }
    }

    @Test("a body just under the limit passes")
    func underLimit() async throws {
        try await GatewayHarness.run(TestConfig.single(url: Self.noUpstream, maxRequestBytes: 4096)) { gateway in
            let padding = String(repeating: "x", count: 3000)
            let response = try await gateway.send("/v1/chat/completions", body: GatewayHarness.chat("mock-gpt", extra: ",\"user\":\"\(padding)\""))
            #expect(response.status == 200)
        }
    }
}
