import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Telemetry
import Testing

@testable import Gateway

@Suite("A request head for a provider, written as its fields are added")
struct OutgoingHeadTests {
    @Test("200 drawn heads read back through NIO's decoder as the method, target and fields added, in order, with the body after them")
    func drawnHeads() throws {
        var random = SplitMix64(seed: 0x07_2026)
        for _ in 0..<200 {
            let method = ["POST", "GET", "DELETE"].randomElement(using: &random)!
            let target = ["/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:generateContent?alt=sse", "/mcp", "/"].randomElement(using: &random)!
            var fields: [(String, String)] = []
            for _ in 0..<Int.random(in: 0...9, using: &random) {
                let name = String((0..<Int.random(in: 1...20, using: &random)).map { _ in "abcxyz-019_.".randomElement(using: &random)! })
                guard !["content-length", "transfer-encoding"].contains(name) else { continue }
                let value = String((0..<Int.random(in: 0...60, using: &random)).map { _ in "abcXYZ019 ,;=/\"():@-".randomElement(using: &random)! })
                fields.append((name, value.trimmingSpaces))
            }
            // Now and then a body too large to go behind the head: it is sent apart.
            let size = Bool.random(using: &random) && Bool.random(using: &random) ? OutgoingHead.inlineBodyBytes + Int.random(in: -2...2, using: &random) : Int.random(in: 0...200, using: &random)
            let body = ByteBuffer(bytes: (0..<min(size, 200)).map { _ in UInt8.random(in: 0...255, using: &random) } + Array(repeating: 0x61, count: max(0, size - 200)))
            var head = OutgoingHead(method: method, target: target, bodyBytes: Int.random(in: 0...1, using: &random) == 0 ? 0 : body.readableBytes)
            for (name, value) in fields { head.add(name, value) }
            head.add("content-length", String(body.readableBytes))

            let wire = (consume head).wire(body: body)
            #expect((wire.body == nil) == (body.readableBytes <= OutgoingHead.inlineBodyBytes))
            guard let (read, received) = try Self.decode(wire) else { continue }
            #expect(read.method.rawValue == method)
            #expect(read.uri == target)
            #expect(read.version == .http1_1)
            #expect(read.headers.map { [$0.name, $0.value] } == (fields + [("content-length", String(body.readableBytes))]).map { [$0.0, $0.1] })
            #expect(received == body)
        }
    }

    @Test("200 drawn provider heads, written in one reservation, read back through NIO's decoder as the target, host, lengths, ids and added fields")
    func drawnProviderHeads() throws {
        var random = SplitMix64(seed: 0x07_2027)
        for _ in 0..<200 {
            let target = ["/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:generateContent?alt=sse", "/", "/" + String(repeating: "a", count: 300)]
                .randomElement(using: &random)!
            let host = ["127.0.0.1:8080", "api.openai.com", "x", String(repeating: "h", count: 200) + ":65535"].randomElement(using: &random)!
            // Sizes at every digit count's edges, and bodies larger than go behind the head.
            let size = [0, 9, 10, 99, 100, 999, 1_000, 16 * 1024, 16 * 1024 + 1, Int.random(in: 0...40_000, using: &random)].randomElement(using: &random)!
            let body = ByteBuffer(repeating: 0x61, count: size)
            let requestID = TraceID(high: random.next(), low: random.next())
            let parent = TraceParent(trace: TraceID(high: random.next(), low: random.next()), parent: SpanID(random.next()), flags: UInt8.random(in: 0...1, using: &random))
            var head = OutgoingHead(post: target, host: host, bodyBytes: size, requestID: requestID, traceparent: parent)
            let extra = Bool.random(using: &random) ? [("accept", "text/event-stream")] : []
            for (name, value) in extra { head.add(name, value) }

            guard let (read, received) = try Self.decode((consume head).wire(body: body)) else { continue }
            #expect(read.method == .POST)
            #expect(read.uri == target)
            let expected = [
                ("host", host), ("content-type", "application/json"), ("content-length", String(size)), ("x-request-id", requestID.description),
                ("traceparent", parent.description),
            ] + extra
            #expect(read.headers.map { [$0.name, $0.value] } == expected.map { [$0.0, $0.1] })
            #expect(received == body)
        }
    }

    /// The head and body NIO's decoder reads from a request in wire form; nil, with an issue
    /// recorded, when it reads no head.
    static func decode(_ wire: (head: ByteBuffer, body: ByteBuffer?)) throws -> (HTTPRequestHead, ByteBuffer)? {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.writeInbound(wire.head)
        if let rest = wire.body { try channel.writeInbound(rest) }
        guard case .head(let read) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("no head read from \(String(buffer: wire.head))")
            _ = try? channel.finish()
            return nil
        }
        var received = ByteBuffer()
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .body(let chunk) = part { received.writeImmutableBuffer(chunk) }
        }
        _ = try channel.finish()
        return (read, received)
    }

    @Test("a small body is written into the head's own buffer, in the room made for it: no copy of the head")
    func bodyBehindHeadInPlace() {
        // Larger than the head's own room, so only the room made for the body holds it.
        let body = ByteBuffer(string: #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":""# + String(repeating: "x", count: 1000) + #""}]}"#)
        var head = OutgoingHead(method: "POST", target: "/v1/chat/completions", bodyBytes: body.readableBytes)
        head.add("content-length", String(body.readableBytes))
        let storage = head.bytes.withVeryUnsafeBytes { $0.baseAddress }
        let wire = (consume head).wire(body: body)
        #expect(wire.body == nil)
        #expect(wire.head.withVeryUnsafeBytes { $0.baseAddress } == storage)
        #expect(String(buffer: wire.head).hasSuffix("content-length: \(body.readableBytes)\r\n\r\n" + String(buffer: body)))
    }
}

extension String {
    /// Without leading and trailing spaces, as a field value is read.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
