import Foundation
import Guardrails
import NIOCore
import Telemetry
import Testing
import WireJSON

@testable import Gateway

@Suite("Output guardrails on a streamed answer")
struct StreamGuardTests {
    /// 50 values every output check must catch, of every PII kind and secret format.
    static let values: [String] = [
        "jane.doe@example.com", "j.smith+billing@mail.example.co.uk", "ops@acme-corp.io", "first.last@sub.domain.org", "x_y@company.net",
        "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "378282246310005", "6011 0009 9013 9424", "3530111333300000",
        "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300", "ES9121000418450200051332",
        "123-45-6789", "078-05-1120", "219 09 9999", "501-72-4401", "+44 20 7946 0958", "+1 415 555 2671", "(212) 555-0142", "212.555.0199",
        "06 12 34 56 78", "+33 1 42 68 53 00", "192.168.10.254", "10.0.0.1", "2001:db8:85a3::8a2e:370:7334", "fe80:0:0:0:202:b3ff:fe1e:8329",
        "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "ghp_" + String(repeating: "a1B2", count: 9), "gho_" + String(repeating: "Zz90", count: 9),
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "sk-proj-" + String(repeating: "Ab3d", count: 12),
        "sk-" + String(repeating: "9xQ", count: 16), "sk-ant-api03-" + String(repeating: "x9Y", count: 30), "xoxb-1234567890-abcdefghij",
        "xoxp-2222222222-ABCDEFGHIJKL", "AIza" + String(repeating: "S", count: 35), "AIzaSyD-1234567890abcdefghijklmnopqrstu",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "eyJhbGciOiJub25lIn0.eyJ1c2VyIjoiYWRtaW4ifQ.", "sk-gw-" + String(repeating: "Z", count: 40), "sk-gw-3fQa" + String(repeating: "k", count: 36),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "172.16.254.1",
    ]

    static func event(_ content: String) -> String {
        let quoted = String(data: try! JSONSerialization.data(withJSONObject: [content], options: [.withoutEscapingSlashes]), encoding: .utf8)!.dropFirst().dropLast()
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\(quoted)},\"finish_reason\":null}]}\n\n"
    }

    static let head = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n"
    static let tail = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"

    /// Runs `stream` through a guard in network chunks of `chunk` bytes; returns what the client reads and the guard.
    static func run(_ stream: String, rules: GuardrailRules, chunk: Int) -> (client: String, blocked: GuardrailFinding?, guard: StreamGuard) {
        var guarded = StreamGuard(scanner: GuardrailScanner(rules: rules))
        var client = ""
        var blocked: GuardrailFinding?
        let bytes = Array(stream.utf8)
        var steps: [StreamGuard.Step] = stride(from: 0, to: bytes.count, by: chunk).map { start in
            guarded.feed(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + chunk)]))
        }
        steps.append(guarded.finish())
        for step in steps where blocked == nil {
            switch step {
            case .relay(let out): client += String(buffer: out)
            case .blocked(let out, let finding):
                client += String(buffer: out)
                blocked = finding
            case .refused(let ambiguity): Issue.record("refused: \(ambiguity)")
            }
        }
        return (client, blocked, guarded)
    }

    /// The content the client assembles from the relayed events.
    static func content(_ client: String) -> String {
        client.components(separatedBy: "\n\n").compactMap { event -> String? in
            guard event.hasPrefix("data: {"), let data = event.dropFirst(6).data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let delta = (object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
            else { return nil }
            return delta["content"] as? String
        }.joined()
    }

    /// Each way of cutting `value` into 2 to 4 pieces that this test tries: every single cut, and runs of 3 and 4 pieces.
    static func splits(_ value: String) -> [[String]] {
        let characters = Array(value)
        var cuts: [[Int]] = (1..<characters.count).map { [$0] }
        cuts += stride(from: 1, to: characters.count - 1, by: 2).map { [$0, min(characters.count - 1, $0 + 2)] }
        cuts += stride(from: 1, to: characters.count - 3, by: 3).map { [$0, $0 + 1, $0 + 3] }
        return cuts.map { points in
            var pieces: [String] = []
            var start = 0
            for point in points + [characters.count] where point > start {
                pieces.append(String(characters[start..<point]))
                start = point
            }
            return pieces
        }
    }

    @Test("block: no value split across 2 to 4 chunks at any offset reaches the client whole; the stream ends with the error event and no [DONE]")
    func blocks() {
        let rules = GuardrailRules(pii: .block, secrets: .block)
        for value in Self.values {
            for (index, pieces) in Self.splits(value).enumerated() {
                let stream = Self.head + Self.event("Here it is: ") + pieces.map(Self.event).joined() + Self.event(". Anything else?") + Self.tail
                let (client, blocked, _) = Self.run(stream, rules: rules, chunk: [7, 64, 4096][index % 3])
                #expect(blocked != nil, "\(value) split as \(pieces) was not blocked")
                #expect(!Self.content(client).contains(value) && !client.contains("[DONE]"), "\(value) leaked")
            }
        }
    }

    @Test("redact: the client reads the placeholder in the value's place and the rest of the answer exactly")
    func redacts() {
        let rules = GuardrailRules(pii: .redact, secrets: .redact)
        for value in Self.values {
            for (index, pieces) in Self.splits(value).enumerated() {
                let stream = Self.head + Self.event("Here it is: ") + pieces.map(Self.event).joined() + Self.event(". Anything else?") + Self.tail
                let (client, blocked, guarded) = Self.run(stream, rules: rules, chunk: [5, 100, 4096][index % 3])
                let text = Self.content(client)
                #expect(blocked == nil && client.hasSuffix("data: [DONE]\n\n"))
                #expect(!text.contains(value), "\(value) leaked as \(pieces)")
                #expect(text.hasPrefix("Here it is: [") && text.hasSuffix("]. Anything else?"), "\(text)")
                #expect(guarded.findings.count == 1 && guarded.findings.first?.action == .redact, "\(value): \(guarded.findings)")
            }
        }
    }

    @Test("text without a match passes byte for byte, held back only until the end; monitor passes and records")
    func passes() {
        let answer = (0..<40).map { "word\($0) " }
        let stream = Self.head + answer.map(Self.event).joined() + Self.tail
        let (client, blocked, guarded) = Self.run(stream, rules: GuardrailRules(pii: .block, secrets: .block), chunk: 13)
        #expect(blocked == nil && client == stream && guarded.findings.isEmpty)
        let monitored = Self.head + Self.event("mail me at a@example.org") + Self.tail
        let (seen, _, watcher) = Self.run(monitored, rules: GuardrailRules(pii: .monitor), chunk: 4096)
        #expect(seen == monitored)
        #expect(watcher.findings == [GuardrailFinding(direction: .output, check: .pii, action: .monitor, type: "email", message: 0)])
    }

    @Test("events are held only while text is within the window: early text reaches the client before the stream ends")
    func holdBackIsBounded() {
        var guarded = StreamGuard(scanner: GuardrailScanner(rules: GuardrailRules(pii: .block)))
        let long = String(repeating: "lorem ipsum ", count: 20)
        guard case .relay(let first) = guarded.feed(ByteBuffer(string: Self.head + Self.event(long))) else {
            Issue.record("blocked")
            return
        }
        #expect(String(buffer: first) == Self.head, "the role event passes, the text is held")
        guard case .relay(let second) = guarded.feed(ByteBuffer(string: Self.event(long))) else {
            Issue.record("blocked")
            return
        }
        #expect(String(buffer: second) == Self.event(long), "the first text is released once 128 bytes follow it")
    }

    @Test("an event that names its content twice ends the stream: the guard cannot tell which one the client reads")
    func ambiguousEvent() {
        let twice = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\",\"content\":\"AKIAIOSFODNN7EXAMPLE\"}}]}\n\n"
        var guarded = StreamGuard(scanner: GuardrailScanner(rules: GuardrailRules(secrets: .block)))
        #expect(guarded.feed(ByteBuffer(string: Self.head + twice)) == .refused(MessageText.Ambiguity(message: 0, field: "content")))
        #expect(guarded.finish() == .relay(ByteBuffer()))
    }
}
