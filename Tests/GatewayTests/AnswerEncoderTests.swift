import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Telemetry
import TestSupport
import Testing

@testable import Gateway

@Suite("Writing answers to clients: the encoder's bytes, read back by NIO's decoder")
struct AnswerEncoderTests {
    /// An answer as the data plane hands it to the encoder.
    struct Drawn {
        var head: AnswerHead
        /// The body in the pieces it is written in; a whole answer has one.
        var pieces: [[UInt8]]
        var streamed: Bool
        var trailers: HTTPFields?

        var body: [UInt8] { pieces.flatMap { $0 } }
        var statusHasBody: Bool { head.status.code >= 200 && ![204, 304].contains(head.status.code) }
        /// The fields other than the framing ones, as a client reads them: the response's, then
        /// the request id and the rate limits.
        var fields: [String] {
            var fields = head.headerFields.filter { ![.connection, .transferEncoding, .contentLength].contains($0.name) }.map {
                "\($0.name.rawName): \($0.value)"
            }
            if let id = head.requestID { fields.append("x-request-id: \(id)") }
            if let headroom = head.headroom, let limit = headroom.limitRequests {
                fields += [
                    "x-ratelimit-limit-requests: \(limit)", "x-ratelimit-remaining-requests: \(headroom.remainingRequests)",
                    "x-ratelimit-reset-requests: \(Metering.Headroom.duration(headroom.resetRequests))",
                ]
            }
            if let headroom = head.headroom, let limit = headroom.limitTokens {
                fields += [
                    "x-ratelimit-limit-tokens: \(limit)", "x-ratelimit-remaining-tokens: \(headroom.remainingTokens)",
                    "x-ratelimit-reset-tokens: \(Metering.Headroom.duration(headroom.resetTokens))",
                ]
            }
            return fields
        }
    }

    /// What a client read of one answer.
    struct Read: Equatable, CustomStringConvertible {
        var version: HTTPVersion
        var status: Int
        var fields: [String]
        var contentLength: String?
        var body: [UInt8] = []
        var trailers: [String] = []
        var keepAlive: Bool
        var ended = false

        var description: String {
            "\(version) \(status) \(fields) length \(contentLength ?? "-") body \(body.count) trailers \(trailers) keepAlive \(keepAlive) ended \(ended)"
        }
    }

    static let requests: [AnswerHead.Method: HTTPMethod] = [.ordinary: .POST, .head: .HEAD, .connect: .CONNECT]

    /// The encoder in a channel of its own, written to as ``RequestReader`` writes to it.
    final class Encoding: ChannelOutboundHandler {
        typealias OutboundIn = AnswerPart
        typealias OutboundOut = IOData
        var encoder = AnswerEncoder()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            encoder.write(unwrapOutboundIn(data), promise: promise, context: context)
        }

        func flush(context: ChannelHandlerContext) { encoder.flush(context: context) }
    }

    /// The bytes the encoder writes for `answers`, one array per write.
    static func encode(_ answers: [Drawn]) throws -> [[UInt8]] {
        let channel = EmbeddedChannel(handler: Encoding())
        for answer in answers {
            if answer.streamed {
                try channel.writeOutbound(AnswerPart.head(answer.head))
                for piece in answer.pieces { try channel.writeOutbound(AnswerPart.body(ByteBuffer(bytes: piece))) }
                try channel.writeOutbound(AnswerPart.end(answer.trailers))
            } else {
                try channel.writeOutbound(AnswerPart.whole(answer.head, ByteBuffer(bytes: answer.body)))
            }
        }
        var writes: [[UInt8]] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            if buffer.readableBytes > 0 { writes.append(Array(buffer.readableBytesView)) }
        }
        _ = try channel.finish()
        return writes
    }

    /// What NIO's client decoder reads from `bytes`, cut at `cuts`, after requests of `methods`, then a close.
    static func read(_ bytes: [UInt8], cuts: [Int], methods: [AnswerHead.Method]) throws -> [Read] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        for method in methods {
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: requests[method]!, uri: "/")))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        }
        var reads: [Read] = []
        func drain() throws {
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                switch part {
                case .head(let head):
                    let framing = ["connection", "transfer-encoding", "content-length"]
                    reads.append(
                        Read(
                            version: head.version, status: Int(head.status.code),
                            fields: head.headers.filter { !framing.contains($0.name.lowercased()) }.map { "\($0.name): \($0.value)" },
                            contentLength: head.headers.first(name: "content-length"), keepAlive: head.isKeepAlive))
                case .body(let chunk):
                    reads[reads.count - 1].body += chunk.readableBytesView
                case .end(let trailers):
                    reads[reads.count - 1].trailers = trailers.map { $0.map { "\($0.name): \($0.value)" } } ?? []
                    reads[reads.count - 1].ended = true
                }
            }
        }
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut >= start {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<cut]))
            try drain()
            start = cut
        }
        _ = try? channel.finish()
        try drain()
        return reads
    }

    /// What a client should read of `answer`.
    static func expected(_ answer: Drawn) -> Read {
        let head = answer.head
        let declared = head.headerFields[.contentLength]
        var read = Read(
            version: head.isLegacy ? .http1_0 : .http1_1, status: Int(head.status.code), fields: answer.fields, keepAlive: !head.closes, ended: true)
        let framed = answer.statusHasBody && head.method != .connect
        if framed { read.contentLength = answer.streamed ? declared : String(answer.body.count) }
        if framed && head.method == .ordinary { read.body = answer.body }
        if framed && head.method == .ordinary && answer.streamed && !head.isLegacy && declared == nil {
            read.trailers = answer.trailers.map { $0.map { "\($0.name.rawName): \($0.value)" } } ?? []
        }
        return read
    }

    /// Random bytes that drawn bodies are cut from.
    static let noise: [UInt8] = {
        var random = SplitMix64(seed: 0xB0D1E5)
        return (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) }
    }()

    static func draw(_ random: inout SplitMix64, last: Bool) -> Drawn {
        let status = [200, 200, 201, 204, 304, 400, 404, 413, 429, 500, 503].randomElement(using: &random)!
        let isLegacy = Int.random(in: 0..<6, using: &random) == 0
        let method: AnswerHead.Method = Int.random(in: 0..<6, using: &random) == 0 ? .head : .ordinary
        let size = [0, Int.random(in: 1...300, using: &random), Int.random(in: 1...300, using: &random), 16 * 1024, 16 * 1024 + 1, 40_000]
            .randomElement(using: &random)!
        let start = Int.random(in: 0..<Self.noise.count - size, using: &random)
        let body = Array(Self.noise[start..<start + size])
        var pieces: [[UInt8]] = []
        var rest = body[...]
        while !rest.isEmpty || pieces.isEmpty || Int.random(in: 0..<4, using: &random) == 0 {
            let take = min(rest.count, [0, 1, Int.random(in: 1...20_000, using: &random)].randomElement(using: &random)!)
            pieces.append(Array(rest.prefix(take)))
            rest = rest.dropFirst(take)
            if rest.isEmpty && Bool.random(using: &random) { break }
        }
        var streamed = Bool.random(using: &random)
        var fields = HTTPFields()
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let name = String((0..<Int.random(in: 1...12, using: &random)).map { _ in "abcdefxyzABCXYZ0129-_.!#$%&'*+^`|~".randomElement(using: &random)! })
            guard let fieldName = HTTPField.Name(name), ![.connection, .transferEncoding, .contentLength].contains(fieldName) else { continue }
            var value = String((0..<Int.random(in: 0...30, using: &random)).map { _ in "abc XYZ019,;=/\"\t:@".randomElement(using: &random)! })
            while value.first == " " || value.first == "\t" { value.removeFirst() }
            while value.last == " " || value.last == "\t" { value.removeLast() }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        // Framing fields a response may carry: the encoder writes its own.
        if Int.random(in: 0..<5, using: &random) == 0 { fields.append(HTTPField(name: .connection, value: ["keep-alive", "close", "upgrade"].randomElement(using: &random)!)) }
        if Int.random(in: 0..<5, using: &random) == 0 { fields.append(HTTPField(name: .transferEncoding, value: ["chunked", "gzip"].randomElement(using: &random)!)) }
        if Int.random(in: 0..<5, using: &random) == 0 {
            // A length the response declares itself holds for a streamed body; a whole body's own wins.
            fields.append(HTTPField(name: .contentLength, value: String(body.count)))
        }
        // Only the last answer may end with the connection: a streamed HTTP/1.0 body of unknown length does.
        let unknownLength = streamed && fields[.contentLength] == nil
        if isLegacy && unknownLength && !last { streamed = false }
        let closes = last && (Bool.random(using: &random) || (isLegacy && streamed && fields[.contentLength] == nil))
        var trailers: HTTPFields?
        if streamed && Bool.random(using: &random) {
            trailers = [HTTPField.Name("x-usage")!: String(Int.random(in: 0...1000, using: &random)), HTTPField.Name("X-Tail")!: "a b"]
        }
        var head = AnswerHead(
            status: HTTPResponse.Status(code: status), headerFields: fields, isLegacy: isLegacy, closes: closes,
            method: method, contentLength: streamed ? nil : body.count)
        if Bool.random(using: &random) { head.requestID = TraceID(high: random.next(), low: random.next()) }
        if Bool.random(using: &random) {
            // Limits as a configuration may set them (any Int); remaining and reset as the metering computes them.
            var headroom = Metering.Headroom()
            let extremes = [0, 1, 59, 60, 3_599, Int.max]
            if Bool.random(using: &random) {
                headroom.note(
                    requests: extremes.randomElement(using: &random)!, remaining: extremes.randomElement(using: &random)!,
                    reset: Double(Int.random(in: 0...60, using: &random)) - 0.5)
            }
            if Bool.random(using: &random) {
                headroom.note(
                    tokens: extremes.randomElement(using: &random)!, remaining: Int.random(in: 0...1_000_000, using: &random),
                    reset: Double(Int.random(in: 0...60, using: &random)))
            }
            head.headroom = headroom
        }
        return Drawn(head: head, pieces: streamed ? pieces : [body], streamed: streamed, trailers: trailers)
    }

    @Test("2,000 drawn exchanges of one to three answers read back as written: fields (request id and rate limits too), framing, bodies, trailers, keep-alive")
    func drawnExchanges() throws {
        var random = SplitMix64(seed: 0xA45E_C0DE)
        var issues = 0
        for round in 0..<2_000 {
            let count = Int.random(in: 1...3, using: &random)
            let answers = (0..<count).map { Self.draw(&random, last: $0 == count - 1) }
            let bytes = try Self.encode(answers).flatMap { $0 }
            let cuts = (0..<Int.random(in: 0...6, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
            let reads = try Self.read(bytes, cuts: cuts, methods: answers.map(\.head.method))
            let expected = answers.map(Self.expected)
            if reads != expected {
                issues += 1
                if issues <= 3 { Issue.record("round \(round): read \(reads), expected \(expected)") }
            }
        }
        #expect(issues == 0)
    }

    @Test("a number written as a field's value reads as its decimal string, in the bytes summed for it: edges of every digit count, the signs, Int.min and Int.max")
    func decimalFieldValues() {
        var random = SplitMix64(seed: 0x5EED_1006)
        var values = [0, 1, 9, 10, 99, 100, -1, -10, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            values += [power - 1, power, -power]
            power *= 10
        }
        values += (0..<2_000).map { _ in Int.random(in: .min ... .max, using: &random) >> Int.random(in: 0..<63, using: &random) }
        for value in values {
            var buffer = ByteBuffer()
            let bytes = HeadCursor.lineBytes("content-length", value: HeadCursor.decimalBytes(value))
            buffer.writeHead(bytes: bytes) { $0.line("content-length", decimal: value) }
            #expect(String(buffer: buffer) == "content-length: \(value)\r\n")
            #expect(buffer.readableBytes == bytes, "the bytes summed before the line are the line's")
        }
    }

    @Test("a whole answer up to 16 KiB is one write, a larger one two; a streamed chunk up to 16 KiB is one write")
    func writesPerAnswer() throws {
        func whole(_ size: Int) -> Drawn {
            Drawn(
                head: AnswerHead(status: .ok, headerFields: [:], isLegacy: false, closes: false, method: .ordinary, contentLength: size),
                pieces: [Array(repeating: 0x61, count: size)], streamed: false)
        }
        #expect(try Self.encode([whole(0)]).count == 1)
        #expect(try Self.encode([whole(16 * 1024)]).count == 1)
        #expect(try Self.encode([whole(16 * 1024 + 1)]).count == 2)
        let stream = Drawn(
            head: AnswerHead(status: .ok, headerFields: [:], isLegacy: false, closes: false, method: .ordinary, contentLength: nil),
            pieces: [Array("data: {}\n\n".utf8), [], Array("data: [DONE]\n\n".utf8)], streamed: true)
        let writes = try Self.encode([stream]).map { String(decoding: $0, as: UTF8.self) }
        #expect(writes.count == 4, "the head, a write per non-empty chunk, and the end, each flushed")
        #expect(writes.dropFirst() == ["a\r\ndata: {}\n\n\r\n", "e\r\ndata: [DONE]\n\n\r\n", "0\r\n\r\n"])
    }

    @Test("the parts written between two flushes leave as one write; a part written with a promise takes what was gathered before it, in order")
    func gathering() throws {
        let channel = EmbeddedChannel(handler: Encoding())
        func written() throws -> [String] {
            var writes: [String] = []
            while case .byteBuffer(let buffer)? = try channel.readOutbound(as: IOData.self) { writes.append(String(buffer: buffer)) }
            return writes
        }
        let head = AnswerHead(status: .ok, headerFields: [:], isLegacy: false, closes: false, method: .ordinary, contentLength: nil)
        channel.write(AnswerPart.head(head), promise: nil)
        channel.write(AnswerPart.body(ByteBuffer(string: "data: {}\n\n")), promise: nil)
        #expect(try written().isEmpty, "nothing leaves before the flush")
        channel.flush()
        let first = try written()
        #expect(first.count == 1)
        #expect(first.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
        #expect(first.first?.hasSuffix("\r\n\r\na\r\ndata: {}\n\n\r\n") == true, "the head, then the chunk behind it")
        channel.write(AnswerPart.body(ByteBuffer(string: "data: [DONE]\n\n")), promise: nil)
        let ended = channel.eventLoop.makePromise(of: Void.self)
        channel.write(AnswerPart.end(nil), promise: ended)
        channel.flush()
        #expect(try written() == ["e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"])
        try ended.futureResult.wait()
        // A whole answer written with a promise after a gathered 100 Continue: both, in order, at once.
        channel.write(AnswerPart.proceed, promise: nil)
        let whole = AnswerHead(status: .ok, headerFields: [:], isLegacy: false, closes: false, method: .ordinary, contentLength: 2)
        let answered = channel.eventLoop.makePromise(of: Void.self)
        channel.write(AnswerPart.whole(whole, ByteBuffer(string: "{}")), promise: answered)
        channel.flush()
        let last = try written()
        #expect(last.count == 1)
        #expect(last.first?.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") == true)
        #expect(last.first?.hasSuffix("\r\n\r\n{}") == true)
        try answered.futureResult.wait()
    }

    @Test("no body and no framing where none may be: CONNECT, 204, 304; HEAD keeps its framing fields")
    func bodyless() throws {
        func text(_ status: Int, _ method: AnswerHead.Method, streamed: Bool = false) throws -> String {
            let head = AnswerHead(
                status: .init(code: status), headerFields: [.contentType: "application/json", .contentLength: "10"],
                isLegacy: false, closes: false, method: method, contentLength: streamed ? nil : 10)
            let drawn = Drawn(head: head, pieces: [Array("0123456789".utf8)], streamed: streamed)
            return String(decoding: try Self.encode([drawn]).flatMap { $0 }, as: UTF8.self)
        }
        #expect(try text(200, .connect) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        #expect(try text(204, .ordinary) == "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n")
        #expect(try text(304, .ordinary, streamed: true) == "HTTP/1.1 304 Not Modified\r\nContent-Type: application/json\r\n\r\n")
        #expect(try text(200, .head) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 10\r\n\r\n")
        #expect(try text(200, .head, streamed: true) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n")
        #expect(try text(404, .ordinary) == "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\ncontent-length: 10\r\n\r\n0123456789")
        #expect(try text(529, .ordinary).hasPrefix("HTTP/1.1 529 \r\n"), "a code without a standard phrase keeps the space before the empty one")
    }
}
