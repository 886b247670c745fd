import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypesHTTP1
import TestSupport
import Testing

@testable import Gateway

@Suite("Reading a client's requests: the lean HTTP/1.1 parser against NIO's decoder, and hostile bytes")
struct RequestParserTests {
    /// What one request came to, to compare between parsers.
    struct Request: Equatable, CustomStringConvertible {
        var request: HTTPRequest
        var version: HTTPVersion
        var keepAlive: Bool
        var declaredLength: Int?
        var body: [UInt8] = []
        var ended = false

        var description: String {
            "\(version) \(request.method) \(request.path ?? "-") authority \(request.authority ?? "-") \(request.headerFields) keepAlive \(keepAlive) declared \(declaredLength.map(String.init) ?? "-") body \(body.count) ended \(ended)"
        }
    }

    /// The requests the lean parser reads from `reads`; nil when it refuses them.
    static func lean(_ reads: [ByteBuffer]) -> [Request]? {
        var parser = RequestParser()
        var requests: [Request] = []
        do {
            for read in reads {
                parser.append(read)
                while let part = try parser.next() {
                    switch part {
                    case .head(let head):
                        let request = head.request
                        // Each field looked up in place reads as HTTP types reads it, repeated names joined; absent ones are nil.
                        for name in request.headerFields.map(\.name) + [.authorization, .contentLength, .cookie, HTTPField.Name("x-absent")!] {
                            #expect(head.fields[name] == request.headerFields[name], "\(name) in \(request.headerFields)")
                        }
                        requests.append(Request(request: request, version: head.version, keepAlive: head.keepAlive, declaredLength: head.declaredLength))
                    case .body(let chunk): requests[requests.count - 1].body += chunk.readableBytesView
                    case .end: requests[requests.count - 1].ended = true
                    }
                }
            }
        } catch {
            return nil
        }
        return requests
    }

    /// The requests NIO's `HTTPRequestDecoder` reads from `reads`, each head converted to HTTP
    /// types by swift-http-types' own conversion.
    static func reference(_ reads: [ByteBuffer]) throws -> [Request] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        var requests: [Request] = []
        func drain() throws {
            while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
                switch part {
                case .head(var head):
                    // NIO keeps a value's trailing whitespace; RFC 9110 (5.5) leaves it out of the value, as the lean parser does.
                    head.headers = HTTPHeaders(head.headers.map { field in
                        var value = field.value[...]
                        while value.last == " " || value.last == "\t" { value.removeLast() }
                        return (field.name, String(value))
                    })
                    let request = try HTTPRequest(head, secure: false, splitCookie: false)
                    let lengths = head.headers["content-length"]
                    requests.append(
                        Request(request: request, version: head.version, keepAlive: head.isKeepAlive, declaredLength: lengths.first.flatMap { Int($0) }))
                case .body(let chunk): requests[requests.count - 1].body += chunk.readableBytesView
                case .end: requests[requests.count - 1].ended = true
                }
            }
        }
        for read in reads {
            try channel.writeInbound(read)
            try drain()
        }
        _ = try? channel.finish()
        return requests
    }

    /// Draws a well-formed exchange: 1 to 3 requests on one connection, with random methods,
    /// targets, fields, framing, chunk extensions and trailers.
    static func draw(_ random: inout SplitMix64) -> (bytes: [UInt8], requests: Int) {
        let count = Int.random(in: 1...3, using: &random)
        var bytes: [UInt8] = []
        for index in 0..<count {
            let http10 = index == count - 1 && Int.random(in: 0..<6, using: &random) == 0
            let method = ["GET", "POST", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"].randomElement(using: &random)!
            let target = ["/", "/v1/chat/completions", "/v1/models?limit=5&x=%20y", "/mcp/acme/tools", "/a/b;c=d/e.json#frag"].randomElement(using: &random)!
            if Int.random(in: 0..<10, using: &random) == 0 { bytes += Array("\r\n".utf8) }  // an empty line before a request is ignored
            var fields: [String] = []
            if Int.random(in: 0..<5, using: &random) != 0 { fields.append("\(["Host", "host", "HOST"].randomElement(using: &random)!): \(["x", "gateway.local:8080", "127.0.0.1"].randomElement(using: &random)!)") }
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let name = String((0..<Int.random(in: 1...16, using: &random)).map { _ in "abcdefxyzABCXYZ0129-_.!#$%&'*+^`|~".randomElement(using: &random)! })
                guard !["content-length", "transfer-encoding", "connection", "host", "upgrade", "expect"].contains(name.lowercased()) else { continue }
                var value = String((0..<Int.random(in: 0...40, using: &random)).map { _ in "abc XYZ019,;=/\"\t:@()".randomElement(using: &random)! })
                while value.first == " " || value.first == "\t" { value.removeFirst() }
                while value.last == " " || value.last == "\t" { value.removeLast() }
                let space = ["", " ", "  ", "\t"].randomElement(using: &random)!
                fields.append("\(name):\(space)\(value)\(["", " ", "\t"].randomElement(using: &random)!)")
            }
            // The names the parser knows as constants, in drawn letter case.
            for field in ["Authorization: Bearer gw-abc", "Content-Type: application/json", "Accept: */*", "User-Agent: x/1", "Accept-Encoding: gzip"]
            where Bool.random(using: &random) {
                fields.append([field, field.lowercased(), field.uppercased()].randomElement(using: &random)!)
            }
            // `close` beside `keep-alive` is left out: NIO lets an HTTP/1.0 `keep-alive` win, the lean parser lets `close` win.
            // Only the last request asks to close: NIO refuses bytes after such a request, the lean parser reads them (the
            // connection closes after that request's answer either way).
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where index == count - 1: fields.append(["Connection: close", "connection: Close", "Connection: foo, close"].randomElement(using: &random)!)
            case 1: fields.append(["Connection: keep-alive", "Connection: Keep-Alive", "connection: x, keep-alive"].randomElement(using: &random)!)
            default: break
            }
            let body = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            var payload: [UInt8] = []
            switch http10 ? Int.random(in: 0...1, using: &random) : Int.random(in: 0...2, using: &random) {
            case 0:
                break  // no body: neither Content-Length nor Transfer-Encoding
            case 1:
                fields.append("\(["Content-Length", "content-length", "CONTENT-LENGTH"].randomElement(using: &random)!): \(body.count)")
                payload = body
            default:
                fields.append("Transfer-Encoding: \(["chunked", "Chunked", "gzip, chunked"].randomElement(using: &random)!)")
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
            fields.shuffle(using: &random)
            let requestLine = "\(method) \(target) HTTP/1.\(http10 ? 0 : 1)"
            bytes += Array(([requestLine] + fields).map { $0 + "\r\n" }.joined().utf8) + Array("\r\n".utf8) + payload
        }
        return (bytes, count)
    }

    @Test("2,000 drawn exchanges, cut into random reads, read the same as NIO's decoder and HTTP types' conversion read them")
    func differential() throws {
        var random = SplitMix64(seed: 0x5EED_1001)
        var withBody = 0
        for _ in 0..<2_000 {
            let (bytes, count) = Self.draw(&random)
            let reads = DrawnBytes.split(bytes, &random)
            let text = String(decoding: bytes, as: UTF8.self)
            let lean = try #require(Self.lean(reads), "refused: \(text)")
            let reference = try Self.reference(reads)
            #expect(lean == reference, "\(text)")
            #expect(lean.count == count && lean.allSatisfy(\.ended), "\(text)")
            withBody += lean.filter { !$0.body.isEmpty }.count
        }
        #expect(withBody > 1_000, "the draws cover bodies")
    }

    @Test("mutated exchanges never trap, and the parts always come in order: a head, its body, its end")
    func mutations() {
        var random = SplitMix64(seed: 0x5EED_1002)
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = Self.draw(&random).bytes
            DrawnBytes.mutate(
                &bytes, replacements: [UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ":"), UInt8(ascii: " "), 0, 0xFF],
                insertions: ["\r\n", "9999999999999999999", "-", " ", ";", "\r\n\r\n", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n"], &random)
            var parser = RequestParser()
            var inRequest = false
            var ordered = true
            do {
                for read in DrawnBytes.split(bytes, &random) {
                    parser.append(read)
                    while let part = try parser.next() {
                        switch part {
                        case .head: ordered = ordered && !inRequest; inRequest = true
                        case .body(let chunk): ordered = ordered && inRequest && chunk.readableBytes > 0
                        case .end: ordered = ordered && inRequest; inRequest = false
                        }
                    }
                }
            } catch {
                refused += 1
                // Once refused, the connection stays refused.
                parser.append(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
                #expect(throws: RequestParser.Invalid.self) { _ = try parser.next() }
            }
            #expect(ordered)
        }
        #expect(refused > 300, "the mutations reach the refusals")
    }

    @Test(
        "hostile lengths, smuggling framings and malformed heads are refused with a reason, never trusted or trapped on",
        arguments: [
            ("POST / HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\n", "out of range"),
            ("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", "out of range"),
            ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "not a number"),
            ("POST / HTTP/1.1\r\nContent-Length: 1.5\r\n\r\n", "not a number"),
            ("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", "not a number"),
            ("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", "not a number"),
            ("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", "conflicting"),
            ("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting"),
            ("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", "both"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "does not end in chunked"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "does not end in chunked"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", "does not end in chunked"),
            ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0 request has Transfer-Encoding"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "chunk size"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n", "chunk size"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x10\r\n", "chunk size"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"),
            ("POST / HTTP/2.0\r\n\r\n", "not HTTP/1.x"),
            ("POST / HTTP/1.2\r\n\r\n", "not HTTP/1.x"),
            ("POST /\r\n\r\n", "not HTTP/1.x"),
            ("POST  HTTP/1.1\r\n\r\n", "not HTTP/1.x"),
            ("POST /a b HTTP/1.1\r\n\r\n", "not HTTP/1.x"),
            ("PO(ST / HTTP/1.1\r\n\r\n", "not HTTP/1.x"),
            (" / HTTP/1.1\r\n\r\n", "not HTTP/1.x"),
            ("NOT HTTP AT ALL\r\n\r\n", "not HTTP/1.x"),
            ("POST / HTTP/1.1\r\nName : value\r\n\r\n", "malformed header"),
            ("POST / HTTP/1.1\r\nName: value\r\n folded\r\n\r\n", "malformed header"),
            ("POST / HTTP/1.1\r\nName: a\u{0}b\r\n\r\n", "malformed header"),
            ("POST / HTTP/1.1\r\nName: a\rb\r\n\r\n", "malformed header"),
            ("POST / HTTP/1.1\r\n: no name\r\n\r\n", "malformed header"),
            ("POST / HTTP/1.1\r\nNo colon\r\n\r\n", "malformed header"),
        ])
    func refused(request: String, reason: String) {
        var parser = RequestParser()
        var refusal: RequestParser.Invalid?
        do {
            parser.append(ByteBuffer(string: request))
            while try parser.next() != nil {}
        } catch {
            refusal = error
        }
        #expect(refusal?.reason.contains(reason) == true, "\(String(describing: refusal))")
    }

    @Test("a head larger than 80 KiB is refused as it grows, before its end arrives; one just under is read, even a byte at a time")
    func headLimit() throws {
        var parser = RequestParser()
        let field = "X-Big: " + String(repeating: "a", count: 4_096) + "\r\n"
        var refusal: RequestParser.Invalid?
        do {
            parser.append(ByteBuffer(string: "POST / HTTP/1.1\r\n"))
            for _ in 0..<25 {
                parser.append(ByteBuffer(string: field))
                _ = try parser.next()
            }
        } catch {
            refusal = error
        }
        #expect(refusal?.reason.contains("larger than") == true)

        var fits = RequestParser()
        var heads = 0
        var ends = 0
        let head = "POST /v1/chat/completions HTTP/1.1\r\n" + String(repeating: field, count: 19) + "Content-Length: 2\r\n\r\n{}"
        #expect(head.utf8.count < HTTP1Syntax.maxHeadBytes)
        for byte in head.utf8 {
            fits.append(ByteBuffer(bytes: [byte]))
            while let part = try fits.next() {
                if case .head = part { heads += 1 }
                if case .end = part { ends += 1 }
            }
        }
        #expect(heads == 1 && ends == 1, "a request fed one byte at a time is read once it is whole")
    }

    @Test("keep-alive follows the version and Connection; a non-origin target goes through HTTP types' conversion")
    func keepAliveAndTargets() throws {
        let cases: [(String, Bool, String?, String?)] = [
            ("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", true, "/a", "h"),
            ("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n", false, "/a", nil),
            ("GET /a HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n", false, "/a", nil),
            ("GET /a HTTP/1.0\r\n\r\n", false, "/a", nil),
            ("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, "/a", nil),
            ("GET /a HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false, "/a", nil),
            ("GET /a HTTP/1.1\nHost: h\n\n", true, "/a", "h"),
            ("GET /a HTTP/1.1\r\nHost: one\r\nHost: two\r\n\r\n", true, "/a", "one"),
            ("GET http://gw.example:8080/v1/models?x=1 HTTP/1.1\r\nHost: gw.example\r\n\r\n", true, "/v1/models?x=1", "gw.example"),
            ("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", true, "*", "h"),
        ]
        for (text, keepAlive, path, authority) in cases {
            let requests = try #require(Self.lean([ByteBuffer(string: text)]), "\(text)")
            let request = try #require(requests.first, "\(text)")
            #expect(requests.count == 1 && request.ended, "\(text)")
            #expect(request.keepAlive == keepAlive && request.request.path == path && request.request.authority == authority, "\(text): \(request)")
        }
    }

    @Test("a client waits to send its body after Expect: 100-continue in HTTP/1.1, when it has a body to send")
    func waitsToSend() throws {
        let cases: [(String, Bool)] = [
            ("POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", true),
            ("POST /a HTTP/1.1\r\nexpect:  100-CONTINUE \r\nTransfer-Encoding: chunked\r\n\r\n", true),
            ("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n", false),
            ("POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n", false),
            ("GET /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", false),
            ("POST /a HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", false),
            ("POST /a HTTP/1.1\r\nExpect: 100-continued\r\nContent-Length: 2\r\n\r\n", false),
            ("POST /a HTTP/1.1\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n", false),
        ]
        for (text, waits) in cases {
            var parser = RequestParser()
            parser.append(ByteBuffer(string: text))
            guard case .head(let head) = try parser.next() else {
                Issue.record("no head: \(text)")
                continue
            }
            #expect(head.waitsToSend == waits, "\(text)")
        }
    }

    @Test("a byte is a token byte (a field name's, a method's) exactly when RFC 9110's tchar lists it")
    func tokenBytes() {
        let marks = Set("!#$%&'*+-.^_`|~".utf8)
        for byte in UInt8.min...UInt8.max {
            let character = Character(Unicode.Scalar(byte))
            let expected = marks.contains(byte) || (character.isASCII && (character.isLetter || character.isNumber))
            #expect(HTTP1Syntax.isTokenByte(byte) == expected, "byte \(byte)")
        }
    }

    /// Field names read eight bytes at a time, against the byte-at-a-time check: every byte at
    /// every offset of names of every length up to 20, then drawn names mostly of letters, digits
    /// and `-`, sometimes another token byte, a byte that borders a plain range, or one above 0x7F.
    @Test("a field name passes exactly when each of its bytes is a token byte, read eight at a time")
    func fieldNames() {
        func check(_ name: [UInt8]) {
            let expected = name.allSatisfy(HTTP1Syntax.isTokenByte)
            name.withUnsafeBytes { raw in #expect(HTTP1Syntax.isToken(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: raw.count) == expected, "\(name)") }
        }
        for count in 1...20 {
            for offset in 0..<count {
                for byte in UInt8.min...UInt8.max {
                    var name = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                    name[offset] = byte
                    check(name)
                }
            }
        }
        let plain = Array("abcxyzABCXYZ0189-".utf8)
        let edges: [UInt8] = [0x2C, 0x2E, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x0D, 0x00, 0x7F, 0x80, 0xFF, 0xAD, 0xB0, 0xC1, 0xE1, UInt8(ascii: "_"), UInt8(ascii: "!")]
        var random = SplitMix64(seed: 0x70CE)
        for _ in 0..<20_000 {
            let name = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Int.random(in: 0..<12, using: &random) == 0 ? edges.randomElement(using: &random)! : plain.randomElement(using: &random)!
            }
            check(name)
        }
    }

    /// Field values read eight bytes at a time, against RFC 9110's `field-value` read a byte at a
    /// time: every byte at every offset of a 20-byte value among visible ones, then drawn values
    /// whose bytes are mostly allowed and sometimes a control byte, DEL or a byte above 0x7F.
    @Test("a field value passes exactly when each of its bytes is visible, a space, a tab or above 0x7F")
    func fieldValues() {
        func allowed(_ byte: UInt8) -> Bool { byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }
        func check(_ value: [UInt8]) {
            let expected = value.allSatisfy(allowed)
            value.withUnsafeBytes { raw in #expect(HTTP1Syntax.isFieldValue(raw[...]) == expected, "\(value)") }
        }
        for byte in UInt8.min...UInt8.max {
            for offset in 0..<20 {
                var value = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
                value[offset] = byte
                check(value)
            }
        }
        var generator = SplitMix64(seed: 0x5EED_1005)
        let rare: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xA0, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            check((0..<count).map { _ in Int.random(in: 0..<16, using: &generator) == 0 ? rare.randomElement(using: &generator)! : UInt8.random(in: 0x21...0x7E, using: &generator) })
        }
    }
}
