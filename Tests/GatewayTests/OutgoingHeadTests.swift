import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
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
            head.add("content-length", body.readableBytes)

            let wire = (consume head).wire(body: body)
            #expect((wire.body == nil) == (body.readableBytes <= OutgoingHead.inlineBodyBytes))
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
            try channel.writeInbound(wire.head)
            if let rest = wire.body { try channel.writeInbound(rest) }
            guard case .head(let read) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
                Issue.record("no head read from \(String(buffer: wire.head))")
                continue
            }
            #expect(read.method.rawValue == method)
            #expect(read.uri == target)
            #expect(read.version == .http1_1)
            #expect(read.headers.map { [$0.name, $0.value] } == (fields + [("content-length", String(body.readableBytes))]).map { [$0.0, $0.1] })
            var received = ByteBuffer()
            while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
                if case .body(let chunk) = part { received.writeImmutableBuffer(chunk) }
            }
            #expect(received == body)
            _ = try channel.finish()
        }
    }

    @Test("a small body is written into the head's own buffer, in the room made for it: no copy of the head")
    func bodyBehindHeadInPlace() {
        // Larger than the head's own room, so only the room made for the body holds it.
        let body = ByteBuffer(string: #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":""# + String(repeating: "x", count: 1000) + #""}]}"#)
        var head = OutgoingHead(method: "POST", target: "/v1/chat/completions", bodyBytes: body.readableBytes)
        head.add("content-length", body.readableBytes)
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
