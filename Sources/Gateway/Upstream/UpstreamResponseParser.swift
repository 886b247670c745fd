import NIOCore
import NIOHTTP1

/// Reads a provider's answers from the bytes of its connection (RFC 9112): the status line and
/// header fields, then a body framed by `Transfer-Encoding: chunked`, by `Content-Length`, or by
/// the connection's close. Informational (1xx) answers are skipped, 204 and 304 have no body, and
/// trailers are read and dropped. Body bytes are handed on as slices of what was read, never copied.
///
/// The gateway sends no `HEAD` or `CONNECT` request and asks for no upgrade, so every answer's
/// body is framed by its own head. Anything that is not a well-formed answer (a `Content-Length`
/// that is not a single decimal number within `Int`, one beside `Transfer-Encoding`, a chunk size
/// beyond `Int`, a head over ``maxHeadBytes``) is refused with ``Invalid``, after which the
/// connection is done.
struct UpstreamResponseParser {
    /// One part of an answer, in order: the head, body chunks, the end.
    enum Part: Equatable {
        /// The head, and whether the connection can carry another request after this answer.
        case head(HTTPResponseHead, keepAlive: Bool)
        case body(ByteBuffer)
        case end
    }

    /// Why the bytes are not an HTTP/1.1 answer.
    struct Invalid: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The largest head (status line and fields) and the largest trailer section accepted.
    static let maxHeadBytes = 80 * 1024
    /// The largest chunk-size line (extensions included) accepted.
    static let maxChunkLineBytes = 4 * 1024

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(seen: Int)
        case untilClose
        case failed(Invalid)
    }

    private var state = State.head
    /// Read bytes of a head or line that is not complete yet.
    private var pending = ByteBuffer()
    /// How many bytes of `pending` were searched for the head's end already.
    private var searched = 0

    /// Parses `input`, the next bytes read, handing each complete part to `emit`.
    mutating func feed(_ input: ByteBuffer, _ emit: (Part) -> Void) throws(Invalid) {
        if case .failed(let invalid) = state { throw invalid }
        var bytes = input
        if pending.readableBytes > 0 {
            pending.writeImmutableBuffer(input)
            bytes = pending
            pending = ByteBuffer()
        }
        do {
            try parse(&bytes, emit)
        } catch {
            state = .failed(error)
            throw error
        }
        if bytes.readableBytes > 0 { pending = bytes }
    }

    /// The connection closed: ends an answer framed by the close; fails one cut off midway.
    mutating func finish(_ emit: (Part) -> Void) throws(Invalid) {
        switch state {
        case .untilClose:
            state = .head
            emit(.end)
        case .head where pending.readableBytes == 0, .failed:
            break
        default:
            state = .failed(Invalid("the provider closed the connection mid-answer"))
            throw Invalid("the provider closed the connection mid-answer")
        }
    }

    private mutating func parse(_ bytes: inout ByteBuffer, _ emit: (Part) -> Void) throws(Invalid) {
        while bytes.readableBytes > 0 {
            switch state {
            case .head:
                guard let length = headLength(bytes) else {
                    if bytes.readableBytes > Self.maxHeadBytes { throw Invalid("the provider's response head is larger than \(Self.maxHeadBytes) bytes") }
                    return
                }
                searched = 0
                guard length <= Self.maxHeadBytes else { throw Invalid("the provider's response head is larger than \(Self.maxHeadBytes) bytes") }
                let head = try Self.head(bytes.readSlice(length: length)!)
                try begin(head, emit)
            case .fixed(let remaining):
                let count = min(remaining, bytes.readableBytes)
                emit(.body(bytes.readSlice(length: count)!))
                if count == remaining {
                    state = .head
                    emit(.end)
                } else {
                    state = .fixed(remaining: remaining - count)
                }
            case .chunkSize:
                guard let line = try Self.line(&bytes, limit: Self.maxChunkLineBytes, what: "chunk-size line") else { return }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers(seen: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let count = min(remaining, bytes.readableBytes)
                emit(.body(bytes.readSlice(length: count)!))
                state = count == remaining ? .chunkEnd : .chunkData(remaining: remaining - count)
            case .chunkEnd:
                // The chunk's data ends with `\r\n` (or a bare `\n`), possibly split across reads.
                let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)!
                if first == UInt8(ascii: "\r") {
                    guard bytes.readableBytes >= 2 else { return }
                    guard bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self) == UInt8(ascii: "\n") else {
                        throw Invalid("a chunk is longer than its size")
                    }
                    bytes.moveReaderIndex(forwardBy: 2)
                } else if first == UInt8(ascii: "\n") {
                    bytes.moveReaderIndex(forwardBy: 1)
                } else {
                    throw Invalid("a chunk is longer than its size")
                }
                state = .chunkSize
            case .trailers(let seen):
                let limit = Self.maxHeadBytes - seen
                guard let line = try Self.line(&bytes, limit: limit, what: "trailer section") else { return }
                if line.readableBytes == 0 {
                    state = .head
                    emit(.end)
                } else {
                    state = .trailers(seen: seen + line.readableBytes + 2)
                }
            case .untilClose:
                emit(.body(bytes.readSlice(length: bytes.readableBytes)!))
            case .failed(let invalid):
                throw invalid
            }
        }
    }

    /// Emits `head` unless it is informational, and sets how its body is framed.
    private mutating func begin(_ head: Head, _ emit: (Part) -> Void) throws(Invalid) {
        let code = head.response.status.code
        if code < 200 {
            guard code != 101 else { throw Invalid("the provider switched protocols unasked") }
            return  // 100 Continue, 103 Early Hints: the answer follows
        }
        let framing: State
        if code == 204 || code == 304 {
            framing = .head
        } else if let chunked = head.chunked {
            guard head.contentLength == nil else { throw Invalid("the provider's answer has both Transfer-Encoding and Content-Length") }
            framing = chunked ? .chunkSize : .untilClose
        } else if let length = head.contentLength {
            framing = length == 0 ? .head : .fixed(remaining: length)
        } else {
            framing = .untilClose
        }
        let closeDelimited = if case .untilClose = framing { true } else { false }
        emit(.head(head.response, keepAlive: head.keepAlive && !closeDelimited))
        state = framing
        if case .head = framing { emit(.end) }
    }

    /// The length of the head at the start of `bytes` through its empty line, nil while incomplete.
    private mutating func headLength(_ bytes: ByteBuffer) -> Int? {
        let found: Int? = bytes.withUnsafeReadableBytes { raw in
            var index = max(searched, 1)
            while index < raw.count {
                if raw[index] == UInt8(ascii: "\n") {
                    if raw[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                    if raw[index - 1] == UInt8(ascii: "\r") && index >= 2 && raw[index - 2] == UInt8(ascii: "\n") { return index + 1 }
                }
                index += 1
            }
            return nil
        }
        if found == nil { searched = max(1, bytes.readableBytes) }
        return found
    }

    /// A parsed head and what frames its body.
    struct Head {
        var response: HTTPResponseHead
        /// nil without `Transfer-Encoding`; else whether its last coding is `chunked`.
        var chunked: Bool?
        var contentLength: Int?
        /// What `Connection` and the version say: HTTP/1.1 unless `close`, HTTP/1.0 only with `keep-alive`.
        var keepAlive: Bool
    }

    /// Parses a whole head: the status line, the fields and the empty line.
    static func head(_ bytes: ByteBuffer) throws(Invalid) -> Head {
        var bytes = bytes
        guard let statusLine = try Self.line(&bytes, limit: maxHeadBytes, what: "head") else { throw Invalid("the provider's status line is incomplete") }
        let (version, status) = try self.status(statusLine)
        var fields: [(String, String)] = []
        var chunked: Bool?
        var contentLength: Int?
        var close = false
        var keepAliveAsked = false
        while let line = try Self.line(&bytes, limit: maxHeadBytes, what: "head"), line.readableBytes > 0 {
            let (name, value) = try field(line)
            if name.utf8.count == 14 && name.lowercased() == "content-length" {
                let length = try Self.contentLength(value)
                guard contentLength == nil || contentLength == length else { throw Invalid("the provider's answer has conflicting Content-Length values") }
                contentLength = length
            } else if name.utf8.count == 17 && name.lowercased() == "transfer-encoding" {
                let last = value.split(separator: ",").last.map { $0.trimmingWhitespace.lowercased() }
                chunked = last == "chunked"
            } else if name.utf8.count == 10 && name.lowercased() == "connection" {
                for token in value.split(separator: ",") {
                    let token = token.trimmingWhitespace.lowercased()
                    if token == "close" { close = true } else if token == "keep-alive" { keepAliveAsked = true }
                }
            }
            fields.append((name, value))
        }
        let keepAlive = !close && (version.minor == 1 || keepAliveAsked)
        return Head(
            response: HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(fields)), chunked: chunked, contentLength: contentLength,
            keepAlive: keepAlive)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`.
    private static func status(_ line: ByteBuffer) throws(Invalid) -> (HTTPVersion, HTTPResponseStatus) {
        let parsed: (HTTPVersion, Int, String)? = line.withUnsafeReadableBytes { raw in
            guard raw.count >= 12, raw.starts(with: "HTTP/1.".utf8), raw[8] == UInt8(ascii: " ") else { return nil }
            let minor = raw[7]
            guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { return nil }
            var code = 0
            for index in 9..<12 {
                let digit = raw[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                code = code * 10 + Int(digit)
            }
            guard code >= 100 else { return nil }
            guard raw.count == 12 || raw[12] == UInt8(ascii: " ") else { return nil }
            let reason = raw.count > 13 ? String(decoding: raw[13...], as: UTF8.self) : ""
            return (HTTPVersion(major: 1, minor: Int(minor - UInt8(ascii: "0"))), code, reason)
        }
        guard let parsed else { throw Invalid("the provider's status line is not HTTP/1.x") }
        return (parsed.0, HTTPResponseStatus(statusCode: parsed.1, reasonPhrase: parsed.2))
    }

    /// `name ":" OWS value OWS`, the name a token and the value without control characters.
    private static func field(_ line: ByteBuffer) throws(Invalid) -> (String, String) {
        let parsed: (String, String)? = line.withUnsafeReadableBytes { raw in
            guard let colon = raw.firstIndex(of: UInt8(ascii: ":")), colon > 0, raw[..<colon].allSatisfy(isTokenByte) else { return nil }
            var start = colon + 1
            var end = raw.count
            while start < end && (raw[start] == UInt8(ascii: " ") || raw[start] == UInt8(ascii: "\t")) { start += 1 }
            while end > start && (raw[end - 1] == UInt8(ascii: " ") || raw[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
            guard raw[start..<end].allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == UInt8(ascii: "\t") }) else { return nil }
            return (String(decoding: raw[..<colon], as: UTF8.self), String(decoding: raw[start..<end], as: UTF8.self))
        }
        guard let parsed else { throw Invalid("the provider sent a malformed header field") }
        return parsed
    }

    /// A `Content-Length` value: decimal digits within `Int`, or a list of one such value repeated.
    private static func contentLength(_ value: String) throws(Invalid) -> Int {
        if let plain = Int(value), plain >= 0, value.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) { return plain }  // the usual case
        var length: Int?
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = item.trimmingWhitespace.utf8
            guard !digits.isEmpty else { throw Invalid("the provider's Content-Length is not a number") }
            var number = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { throw Invalid("the provider's Content-Length is not a number") }
                let (times, overflowTimes) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int(digit))
                guard !overflowTimes && !overflowSum else { throw Invalid("the provider's Content-Length is out of range") }
                number = sum
            }
            guard length == nil || length == number else { throw Invalid("the provider's answer has conflicting Content-Length values") }
            length = number
        }
        return length!
    }

    /// The size of a chunk-size line (hex digits, then optional whitespace and extensions).
    private static func chunkSize(_ line: ByteBuffer) throws(Invalid) -> Int {
        let size: Int? = line.withUnsafeReadableBytes { raw in
            var size = 0
            var index = 0
            while index < raw.count, let digit = hexValue(raw[index]) {
                guard size <= Int.max >> 4 else { return nil }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { return nil }
            while index < raw.count && (raw[index] == UInt8(ascii: " ") || raw[index] == UInt8(ascii: "\t")) { index += 1 }
            guard index == raw.count || raw[index] == UInt8(ascii: ";") else { return nil }
            return size
        }
        guard let size else { throw Invalid("the provider sent a malformed chunk size") }
        return size
    }

    /// The next line of `bytes` without its `\r\n` (or bare `\n`), nil while incomplete; longer than `limit` is refused.
    private static func line(_ bytes: inout ByteBuffer, limit: Int, what: String) throws(Invalid) -> ByteBuffer? {
        guard let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if bytes.readableBytes > limit + 1 { throw Invalid("the provider's \(what) is larger than \(limit) bytes") }
            return nil
        }
        var length = newline - bytes.readerIndex
        var line = bytes.readSlice(length: length)!
        bytes.moveReaderIndex(forwardBy: 1)
        if length > 0 && line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
            line = line.getSlice(at: line.readerIndex, length: length)!
        }
        guard length <= limit else { throw Invalid("the provider's \(what) is larger than \(limit) bytes") }
        return line
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// RFC 9110's `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingWhitespace: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = lastIndex(where: { !isBlank($0) })!
        return self[first...last]
    }
}
