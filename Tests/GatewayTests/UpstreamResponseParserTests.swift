import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

@testable import Gateway

@Suite("Reading a provider's answers: the lean HTTP/1.1 parser against NIO's decoder, and hostile bytes")
struct UpstreamResponseParserTests {
    /// What one answer came to, to compare between parsers.
    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        var version: HTTPVersion
        var headers: [String]
        var body: [UInt8] = []
        var ended = false
        var keepAlive: Bool?

        var description: String { "\(version) \(status) \(headers) body \(body.count) bytes ended \(ended) keepAlive \(keepAlive.map(String.init) ?? "-")" }
    }

    /// The answers the lean parser reads from `reads`, then a close; nil when it refuses them.
    static func lean(_ reads: [ByteBuffer]) -> [Answer]? {
        var parser = UpstreamResponseParser()
        var answers: [Answer] = []
        let collect: (UpstreamResponseParser.Part) -> Void = { part in
            switch part {
            case .head(let head, let keepAlive):
                answers.append(
                    Answer(status: Int(head.status.code), version: head.version, headers: head.fields.map { "\($0.name): \($0.value)" }, keepAlive: keepAlive))
            case .body(let chunk):
                answers[answers.count - 1].body += chunk.readableBytesView
            case .end:
                answers[answers.count - 1].ended = true
            }
        }
        do {
            for read in reads { try parser.feed(read, collect) }
            try parser.finish(collect)
        } catch {
            return nil
        }
        return answers
    }

    /// The answers NIO's `HTTPResponseDecoder` reads from `reads` after `requests` requests, then a close.
    static func reference(_ reads: [ByteBuffer], requests: Int) throws -> [Answer] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        for _ in 0..<requests {
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        }
        var answers: [Answer] = []
        func drain() throws {
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                switch part {
                case .head(let head):
                    // NIO keeps a value's trailing whitespace; RFC 9110 (5.5) leaves it out of the value, as the lean parser does.
                    let fields = head.headers.map { field in
                        var value = field.value[...]
                        while value.last == " " || value.last == "\t" { value.removeLast() }
                        return "\(field.name): \(value)"
                    }
                    answers.append(Answer(status: Int(head.status.code), version: head.version, headers: fields))
                    answers[answers.count - 1].keepAlive = head.isKeepAlive
                case .body(let chunk): answers[answers.count - 1].body += chunk.readableBytesView
                case .end: answers[answers.count - 1].ended = true
                }
            }
        }
        for read in reads {
            try channel.writeInbound(read)
            try drain()
        }
        _ = try? channel.finish()
        try drain()
        return answers
    }

    /// Draws a well-formed exchange: 1 to 3 answers on one connection, the last one perhaps
    /// framed by the close, with random fields, chunking, extensions and trailers.
    static func draw(_ random: inout SplitMix64) -> (bytes: [UInt8], answers: Int, closeDelimitedLast: Bool) {
        let count = Int.random(in: 1...3, using: &random)
        var bytes: [UInt8] = []
        var closeDelimited = false
        for index in 0..<count {
            let last = index == count - 1
            let status = [200, 200, 201, 204, 299, 304, 400, 404, 429, 500, 503, 529].randomElement(using: &random)!
            let http10 = Int.random(in: 0..<8, using: &random) == 0
            var head = "HTTP/1.\(http10 ? 0 : 1) \(status) \(["OK", "Whatever It Is", ""].randomElement(using: &random)!)"
            if head.hasSuffix(" ") && Bool.random(using: &random) { head.removeLast() }
            var fields: [String] = []
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let name = String((0..<Int.random(in: 1...12, using: &random)).map { _ in "abcdefxyzABCXYZ0129-_.!#$%&'*+^`|~".randomElement(using: &random)! })
                guard !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) else { continue }
                var value = String((0..<Int.random(in: 0...30, using: &random)).map { _ in "abc XYZ019,;=/\"\t:@".randomElement(using: &random)! })
                while value.first == " " || value.first == "\t" { value.removeFirst() }
                while value.last == " " || value.last == "\t" { value.removeLast() }
                let space = ["", " ", "  ", "\t"].randomElement(using: &random)!
                fields.append("\(name):\(space)\(value)\(["", " ", "\t"].randomElement(using: &random)!)")
            }
            let body = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let noBody = status == 204 || status == 304
            let framing = last && !noBody && Int.random(in: 0..<4, using: &random) == 0 ? 2 : Int.random(in: 0...1, using: &random)
            // `close` beside `keep-alive` is left out: NIO lets an HTTP/1.0 `keep-alive` win, the lean parser lets `close` win.
            if last && framing != 2 && Bool.random(using: &random) {
                fields.append(["Connection: close", "connection: Close", "Connection: foo, close"].randomElement(using: &random)!)
            } else if http10 {
                fields.append(framing == 2 ? "X-Note: closing" : "Connection: keep-alive")
            }
            var payload: [UInt8] = []
            switch framing {
            case 0:
                fields.append("\(["Content-Length", "content-length", "CONTENT-LENGTH"].randomElement(using: &random)!): \(noBody ? 0 : body.count)")
                if !noBody { payload = body }
            case 1:
                fields.append("Transfer-Encoding: \(["chunked", "Chunked", "gzip, chunked"].randomElement(using: &random)!)")
                if !noBody {
                    var rest = body[...]
                    while !rest.isEmpty {
                        let size = Int.random(in: 1...max(1, rest.count), using: &random)
                        let ext = ["", ";a=b", ";name=\"quoted\"", ";x"].randomElement(using: &random)!
                        payload += Array((String(size, radix: 16, uppercase: Bool.random(using: &random)) + ext + "\r\n").utf8) + rest.prefix(size) + Array("\r\n".utf8)
                        rest = rest.dropFirst(size)
                    }
                    payload += Array("0\r\n".utf8)
                    if Bool.random(using: &random) { payload += Array("Trailer-One: 1\r\nTrailer-Two: two\r\n".utf8) }
                    payload += Array("\r\n".utf8)
                }
            default:
                closeDelimited = !noBody
                payload = noBody ? [] : body
            }
            fields.shuffle(using: &random)
            bytes += Array(([head] + fields).map { $0 + "\r\n" }.joined().utf8) + Array("\r\n".utf8) + payload
        }
        return (bytes, count, closeDelimited)
    }

    @Test("2,000 drawn exchanges, cut into random reads, read the same as NIO's decoder reads them")
    func differential() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        var closeDelimited = 0
        for _ in 0..<2_000 {
            let (bytes, count, closeDelimitedLast) = Self.draw(&random)
            let reads = DrawnBytes.split(bytes, &random)
            let lean = try #require(Self.lean(reads), "refused: \(String(decoding: bytes, as: UTF8.self))")
            var reference = try Self.reference(reads, requests: count)
            if closeDelimitedLast {
                // NIO reports keep-alive from the head alone; an answer framed by the close cannot keep the connection.
                reference[reference.count - 1].keepAlive = false
                closeDelimited += 1
            }
            #expect(lean == reference, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(lean.count == count && lean.allSatisfy(\.ended))
        }
        #expect(closeDelimited > 100, "the draws cover answers framed by the close")
    }

    @Test("mutated exchanges never trap, and the parts always come in order: a head, its body, its end")
    func mutations() {
        var random = SplitMix64(seed: 0x5EED_0002)
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = Self.draw(&random).bytes
            DrawnBytes.mutate(
                &bytes, replacements: [UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ":"), UInt8(ascii: "f"), 0, 0xFF],
                insertions: ["\r\n", "9999999999999999999", "-", " ", ";", "\r\n\r\n"], &random)
            var parser = UpstreamResponseParser()
            var inAnswer = false
            var ordered = true
            let check: (UpstreamResponseParser.Part) -> Void = { part in
                switch part {
                case .head: ordered = ordered && !inAnswer; inAnswer = true
                case .body(let chunk): ordered = ordered && inAnswer && chunk.readableBytes > 0
                case .end: ordered = ordered && inAnswer; inAnswer = false
                }
            }
            do {
                for read in DrawnBytes.split(bytes, &random) { try parser.feed(read, check) }
                try parser.finish(check)
            } catch {
                refused += 1
            }
            #expect(ordered)
        }
        #expect(refused > 300, "the mutations reach the refusals")
    }

    @Test(
        "hostile lengths and malformed heads are refused with a reason, never trusted or trapped on",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n", "out of range"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "out of range"),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1.5\r\n\r\n", "not a number"),
            ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "not a number"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "conflicting"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x10\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"),
            ("HTTP/2 200 OK\r\n\r\n", "not HTTP/1.x"),
            ("HTTP/1.1 20 OK\r\n\r\n", "not HTTP/1.x"),
            ("HTTP/1.1 099 Low\r\n\r\n", "not HTTP/1.x"),
            ("ICY 200 OK\r\n\r\n", "not HTTP/1.x"),
            ("HTTP/1.1 200 OK\r\nName : value\r\n\r\n", "malformed header"),
            ("HTTP/1.1 200 OK\r\nName: value\r\n folded\r\n\r\n", "malformed header"),
            ("HTTP/1.1 200 OK\r\nName: a\u{0}b\r\n\r\n", "malformed header"),
            ("HTTP/1.1 200 OK\r\n: no name\r\n\r\n", "malformed header"),
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "switched protocols"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", "mid-answer"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab", "mid-answer"),
            ("HTTP/1.1 200 OK\r\nContent-Le", "mid-answer"),
        ])
    func refused(answer: String, reason: String) {
        var parser = UpstreamResponseParser()
        var refusal: UpstreamResponseParser.Invalid?
        do {
            try parser.feed(ByteBuffer(string: answer)) { _ in }
            try parser.finish { _ in }
        } catch {
            refusal = error
        }
        #expect(refusal?.reason.contains(reason) == true, "\(String(describing: refusal))")
        // Once refused, the connection stays refused.
        #expect(throws: UpstreamResponseParser.Invalid.self) { try parser.feed(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")) { _ in } }
    }

    @Test("a head larger than 80 KiB is refused as it grows, before its end arrives; one just under is read")
    func headLimit() throws {
        var parser = UpstreamResponseParser()
        let field = "X-Big: " + String(repeating: "a", count: 4_096) + "\r\n"
        var refusal: UpstreamResponseParser.Invalid?
        do {
            try parser.feed(ByteBuffer(string: "HTTP/1.1 200 OK\r\n")) { _ in }
            for _ in 0..<25 { try parser.feed(ByteBuffer(string: field)) { _ in } }
        } catch {
            refusal = error
        }
        #expect(refusal?.reason.contains("larger than") == true)

        var fits = UpstreamResponseParser()
        var heads = 0
        let head = "HTTP/1.1 200 OK\r\n" + String(repeating: field, count: 19) + "Content-Length: 0\r\n\r\n"
        #expect(head.utf8.count < UpstreamResponseParser.maxHeadBytes)
        for byte in head.utf8 {
            try fits.feed(ByteBuffer(bytes: [byte])) { if case .head = $0 { heads += 1 } }
        }
        #expect(heads == 1, "a head fed one byte at a time is read once it is whole")
    }

    @Test("informational answers are skipped; keep-alive follows the version, Connection and the framing")
    func keepAliveAndInformational() throws {
        let cases: [(String, Int, Bool)] = [
            ("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, true),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", 200, false),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: Keep-Alive, Close\r\n\r\nok", 200, false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok", 200, true),
            ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nConnection: close\r\n\r\nok", 200, false),
            ("HTTP/1.1 200 OK\r\n\r\nok", 200, false),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok", 200, false),
            ("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", 204, true),
            ("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, true),
        ]
        for (answer, status, keepAlive) in cases {
            let answers = try #require(Self.lean([ByteBuffer(string: answer)]), "\(answer)")
            #expect(answers.count == 1, "\(answer)")
            #expect(answers.first?.status == status && answers.first?.keepAlive == keepAlive && answers.first?.ended == true, "\(answer)")
            #expect(answers.first.map { status == 204 ? $0.body.isEmpty : $0.body == Array("ok".utf8) } == true, "\(answer)")
        }
    }

    @Test("between answers, and only there, no byte of an answer has been read: a reset there may be retried")
    func betweenAnswers() throws {
        var random = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<200 {
            var (bytes, _, _) = Self.draw(&random)
            if Bool.random(using: &random) { bytes = Array("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n".utf8) + bytes }
            // Fed a byte at a time, the answers' ends are where an end is emitted.
            var parser = UpstreamResponseParser()
            var boundaries: Set<Int> = [0]
            #expect(parser.isBetweenAnswers)
            for (offset, byte) in bytes.enumerated() {
                var ended = false
                try parser.feed(ByteBuffer(bytes: [byte])) { if $0 == .end { ended = true } }
                #expect(parser.isBetweenAnswers == ended, "\(String(decoding: bytes, as: UTF8.self))")
                if ended { boundaries.insert(offset + 1) }
            }
            // Cut into random reads, it is between answers after a read exactly when the read ends at one.
            var split = UpstreamResponseParser()
            var position = 0
            for read in DrawnBytes.split(bytes, &random) {
                try split.feed(read) { _ in }
                position += read.readableBytes
                #expect(split.isBetweenAnswers == boundaries.contains(position), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test("a field is looked up by name in any case, its first value without surrounding whitespace")
    func lookup() throws {
        let text = "HTTP/1.1 429 Too Many\r\ncontent-TYPE: application/json\r\nRetry-After:  7 \r\nX-Twice: one\nx-twice: two\r\nContent-Length: 0\r\n\r\n"
        var heads: [UpstreamHead] = []
        var parser = UpstreamResponseParser()
        try parser.feed(ByteBuffer(string: text)) { if case .head(let head, _) = $0 { heads.append(head) } }
        let head = try #require(heads.first)
        #expect(head.status.code == 429)
        #expect(head.first(name: "Content-Type") == "application/json" && head.first(name: "retry-after") == "7")
        #expect(head.first(name: "x-twice") == "one" && head.first(name: "x-twic") == nil && head.first(name: "mcp-session-id") == nil)
        #expect(head.fields.map(\.name) == ["content-TYPE", "Retry-After", "X-Twice", "x-twice", "Content-Length"])
    }

    /// The content type that the parser reads beside the fields it acts on is what a lookup of the
    /// head finds: drawn heads with none, one or two `Content-Type` fields, in any case, with
    /// blanks around the value, among other fields.
    @Test("the content type read with the head is the first Content-Type field's value, as a lookup finds it")
    func contentType() throws {
        var random = SplitMix64(seed: 0x5EED_0004)
        let names = ["Content-Type", "content-type", "CONTENT-TYPE", "Content-Typ", "X-Content-Type", "Server"]
        let values = ["application/json", "text/event-stream", "text/plain; charset=utf-8", "", "application/jsonx"]
        for _ in 0..<500 {
            var text = "HTTP/1.1 200 OK\r\n"
            for _ in 0..<Int(random.next() % 5) {
                let name = names[Int(random.next() % UInt64(names.count))]
                let value = values[Int(random.next() % UInt64(values.count))]
                let blank = random.next() % 2 == 0 ? "" : " \t"
                text += "\(name):\(blank)\(value)\(blank)\r\n"
            }
            text += "Content-Length: 0\r\n\r\n"
            var heads: [UpstreamHead] = []
            var parser = UpstreamResponseParser()
            try parser.feed(ByteBuffer(string: text)) { if case .head(let head, _) = $0 { heads.append(head) } }
            let head = try #require(heads.first)
            #expect(head.contentType == head.first(name: "content-type"), "\(text)")
        }
    }

    @Test(
        "a status's phrase is NIO's own for a code it knows and the provider's for one it does not",
        arguments: [
            ("HTTP/1.1 200 Fine\r\n", 200, "OK"), ("HTTP/1.1 429 Slow Down\r\n", 429, "Too Many Requests"), ("HTTP/1.1 599 Gone Fishing\r\n", 599, "Gone Fishing"),
            ("HTTP/1.0 599\r\n", 599, ""), ("HTTP/1.1 299 \r\n", 299, ""), ("HTTP/1.1 520 caf\u{E9}\r\n", 520, "caf\u{E9}"),
        ])
    func phrases(statusLine: String, code: Int, phrase: String) throws {
        var heads: [UpstreamHead] = []
        var parser = UpstreamResponseParser()
        try parser.feed(ByteBuffer(string: statusLine + "Content-Length: 0\r\n\r\n")) { if case .head(let head, _) = $0 { heads.append(head) } }
        let head = try #require(heads.first)
        #expect(head.status.code == code && head.status.reasonPhrase == phrase)
        #expect(head.status == HTTPResponseStatus(statusCode: code, reasonPhrase: String(decoding: statusLine.utf8.dropFirst(13).dropLast(2), as: UTF8.self)))
    }
}
