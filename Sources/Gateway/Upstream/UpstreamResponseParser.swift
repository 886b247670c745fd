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
        case head(UpstreamHead, keepAlive: Bool)
        case body(ByteBuffer)
        case end
    }

    /// Why the bytes are not an HTTP/1.1 answer.
    struct Invalid: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The largest head (status line and fields) and the largest trailer section accepted.
    static let maxHeadBytes = HTTP1Syntax.maxHeadBytes

    private enum State {
        case head
        case body(HTTP1BodyReader)
        case failed(Invalid)
    }

    private var state = State.head
    /// Read bytes of a head or line that is not complete yet.
    private var pending = ByteBuffer()
    /// How many bytes of `pending` were searched for the head's end already.
    private var searched = 0

    /// Whether a byte was read since the last answer ended (or since the start), an informational head's included.
    private var begun = false

    /// Whether no byte of a next answer has been read: the last answer ended, or none began.
    var isBetweenAnswers: Bool { !begun }

    /// Parses `input`, the next bytes read, handing each complete part to `emit`.
    mutating func feed(_ input: ByteBuffer, _ emit: (Part) -> Void) throws(Invalid) {
        if case .failed(let invalid) = state { throw invalid }
        if input.readableBytes > 0 { begun = true }
        var bytes = input
        if pending.readableBytes > 0 {
            pending.writeImmutableBuffer(input)
            bytes = pending
            pending = ByteBuffer()
        }
        do {
            try parse(&bytes, emit)
        } catch {
            let invalid = Invalid("the provider's answer is malformed: \(error.reason)")
            state = .failed(invalid)
            throw invalid
        }
        if bytes.readableBytes > 0 {
            pending = bytes
            begun = true
        }
    }

    /// The connection closed: ends an answer framed by the close; fails one cut off midway.
    mutating func finish(_ emit: (Part) -> Void) throws(Invalid) {
        switch state {
        case .body(let reader) where reader.endsAtClose:
            state = .head
            begun = false
            emit(.end)
        case .head where pending.readableBytes == 0, .failed:
            break
        default:
            state = .failed(Invalid("the provider closed the connection mid-answer"))
            throw Invalid("the provider closed the connection mid-answer")
        }
    }

    private mutating func parse(_ bytes: inout ByteBuffer, _ emit: (Part) -> Void) throws(HTTP1Syntax.Violation) {
        while true {
            switch state {
            case .head:
                guard bytes.readableBytes > 0 else { return }
                guard let length = HTTP1Syntax.headLength(bytes, searched: &searched) else {
                    if bytes.readableBytes > Self.maxHeadBytes { throw HTTP1Syntax.Violation("its head is larger than \(Self.maxHeadBytes) bytes") }
                    return
                }
                guard length <= Self.maxHeadBytes else { throw HTTP1Syntax.Violation("its head is larger than \(Self.maxHeadBytes) bytes") }
                let head = try Self.head(bytes.readSlice(length: length)!)
                try begin(head, emit)
            case .body(var reader):
                guard let step = try reader.next(&bytes) else {
                    state = .body(reader)
                    return
                }
                switch step {
                case .data(let chunk):
                    state = .body(reader)
                    emit(.body(chunk))
                case .end:
                    state = .head
                    begun = false
                    emit(.end)
                }
            case .failed(let invalid):
                throw HTTP1Syntax.Violation(invalid.reason)
            }
        }
    }

    /// Emits `head` unless it is informational, and sets how its body is framed.
    private mutating func begin(_ head: Head, _ emit: (Part) -> Void) throws(HTTP1Syntax.Violation) {
        let code = head.response.status.code
        begun = true
        if code < 200 {
            guard code != 101 else { throw HTTP1Syntax.Violation("it switched protocols unasked") }
            return  // 100 Continue, 103 Early Hints: the answer follows
        }
        let framing: HTTP1BodyReader.Framing?
        if code == 204 || code == 304 {
            framing = nil
        } else if let chunked = head.chunked {
            guard head.contentLength == nil else { throw HTTP1Syntax.Violation("it has both Transfer-Encoding and Content-Length") }
            framing = chunked ? .chunked : .untilClose
        } else if let length = head.contentLength {
            framing = length == 0 ? nil : .length(length)
        } else {
            framing = .untilClose
        }
        emit(.head(head.response, keepAlive: head.keepAlive && framing != .untilClose))
        if let framing {
            state = .body(HTTP1BodyReader(framing))
        } else {
            state = .head
            begun = false
            emit(.end)
        }
    }

    /// A parsed head and what frames its body.
    struct Head {
        var response: UpstreamHead
        /// nil without `Transfer-Encoding`; else whether its last coding is `chunked`.
        var chunked: Bool?
        var contentLength: Int?
        /// What `Connection` and the version say: HTTP/1.1 unless `close`, HTTP/1.0 only with `keep-alive`.
        var keepAlive: Bool
    }

    /// Parses a whole head: the status line, the fields and the empty line, read in place. The
    /// field lines are kept as they came, to be read when they are asked for.
    static func head(_ bytes: ByteBuffer) throws(HTTP1Syntax.Violation) -> Head {
        try bytes.withUnsafeReadableBytes { raw throws(HTTP1Syntax.Violation) in
            var lines = HTTP1Syntax.Lines(raw)
            guard let statusLine = lines.next() else { throw HTTP1Syntax.Violation("its status line is incomplete") }
            guard let (version, status) = Self.status(statusLine) else { throw HTTP1Syntax.Violation("its status line is not HTTP/1.x") }
            let fieldLines = bytes.getSlice(at: bytes.readerIndex + lines.position, length: raw.count - lines.position)!
            var chunked: Bool?
            var contentLength: Int?
            var close = false
            var keepAliveAsked = false
            var contentType: String?
            while let (name, value) = try lines.nextField() {
                if HTTP1Syntax.equalsIgnoringCase(name, "content-length") {
                    let length = try HTTP1Syntax.contentLength(value)
                    guard contentLength == nil || contentLength == length else { throw HTTP1Syntax.Violation("it has conflicting Content-Length values") }
                    contentLength = length
                } else if HTTP1Syntax.equalsIgnoringCase(name, "transfer-encoding") {
                    chunked = HTTP1Syntax.endsChunked(value)
                } else if HTTP1Syntax.equalsIgnoringCase(name, "connection") {
                    let options = HTTP1Syntax.connectionOptions(value)
                    close = close || options.close
                    keepAliveAsked = keepAliveAsked || options.keepAlive
                } else if contentType == nil, HTTP1Syntax.equalsIgnoringCase(name, "content-type") {
                    contentType = HTTP1Syntax.value(value)
                }
            }
            let keepAlive = !close && (version.minor == 1 || keepAliveAsked)
            return Head(
                response: UpstreamHead(version: version, status: status, contentType: contentType, fieldLines: fieldLines), chunked: chunked, contentLength: contentLength,
                keepAlive: keepAlive)
        }
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`; nil when the line is not that.
    private static func status(_ raw: UnsafeRawBufferPointer) -> (HTTPVersion, HTTPResponseStatus)? {
        guard raw.count >= 12, HTTP1Syntax.equals(raw[..<7], "HTTP/1."), raw[8] == UInt8(ascii: " ") else { return nil }
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
        let version = HTTPVersion(major: 1, minor: Int(minor - UInt8(ascii: "0")))
        // NIO keeps a phrase only for a code it does not know: the string is made for those alone.
        let known = HTTPResponseStatus(statusCode: code)
        guard case .custom = known, raw.count > 13 else { return (version, known) }
        return (version, HTTPResponseStatus(statusCode: code, reasonPhrase: String(decoding: raw[13...], as: UTF8.self)))
    }
}
