import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Reads a client's requests from the bytes of its connection (RFC 9112): the request line and
/// header fields, straight into HTTP types, then a body framed by `Content-Length` or
/// `Transfer-Encoding: chunked` (extensions skipped, trailers read and dropped). Body bytes are
/// handed on as slices of what was read, never copied.
///
/// The framing is strict, because a front proxy that reads it differently could smuggle a
/// request past the gates: both `Content-Length` and `Transfer-Encoding`, a `Transfer-Encoding`
/// whose last coding is not `chunked` or that comes in an HTTP/1.0 request, conflicting lengths,
/// a length or chunk size that is no number within `Int`, a field that is not `name: value`
/// (obsolete line folding included), a version other than HTTP/1.0 and HTTP/1.1, and a head over
/// ``HTTP1Syntax/maxHeadBytes`` are refused with ``Invalid``, after which the connection is done.
///
/// Bytes are appended with ``append(_:)`` and the parts taken one by one with ``next()``, so a
/// part is handed on only once the parser is done with it.
struct RequestParser {
    /// One part of a request, in order: the head, body chunks, the end.
    enum Part {
        case head(RequestHead)
        case body(ByteBuffer)
        case end
    }

    /// Why the bytes are not an HTTP/1.1 request.
    struct Invalid: Error, Equatable {
        let reason: String
    }

    private enum State {
        case head
        case body(HTTP1BodyReader)
        case failed(Invalid)
    }

    private var state = State.head
    /// Bytes read and not parsed yet.
    private var buffer = ByteBuffer()
    /// How many bytes of `buffer` were searched for the head's end already.
    private var searched = 0

    /// Whether bytes appended wait to be parsed.
    var hasUnparsedBytes: Bool { buffer.readableBytes > 0 }

    /// Adds the next bytes read.
    mutating func append(_ input: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = input
        } else {
            buffer.writeImmutableBuffer(input)
        }
    }

    /// The next complete part of the bytes appended so far; nil when more are needed.
    mutating func next() throws(Invalid) -> Part? {
        do {
            let part = try parseNext()
            // Bytes all parsed: let go of their storage, so the channel can reuse it for its next read.
            if buffer.readableBytes == 0 && buffer.capacity > 0 { buffer = ByteBuffer() }
            return part
        } catch {
            let invalid = Invalid(reason: error.reason)
            state = .failed(invalid)
            throw invalid
        }
    }

    private mutating func parseNext() throws(HTTP1Syntax.Violation) -> Part? {
        switch state {
        case .head:
            guard buffer.readableBytes > 0 else { return nil }
            guard let length = HTTP1Syntax.headLength(buffer, searched: &searched) else {
                guard buffer.readableBytes <= HTTP1Syntax.maxHeadBytes else { throw HTTP1Syntax.Violation("its head is larger than \(HTTP1Syntax.maxHeadBytes) bytes") }
                return nil
            }
            guard length <= HTTP1Syntax.maxHeadBytes else { throw HTTP1Syntax.Violation("its head is larger than \(HTTP1Syntax.maxHeadBytes) bytes") }
            let (head, framing) = try Self.head(buffer.readSlice(length: length)!)
            state = .body(HTTP1BodyReader(framing))
            return .head(head)
        case .body(var reader):
            let step = try reader.next(&buffer)
            switch step {
            case .data(let chunk):
                state = .body(reader)
                return .body(chunk)
            case .end:
                state = .head
                return .end
            case nil:
                state = .body(reader)
                return nil
            }
        case .failed(let invalid):
            throw HTTP1Syntax.Violation(invalid.reason)
        }
    }

    /// Parses a whole head (request line, fields, empty line) into a request and its body's framing.
    static func head(_ bytes: ByteBuffer) throws(HTTP1Syntax.Violation) -> (RequestHead, HTTP1BodyReader.Framing) {
        try bytes.withUnsafeReadableBytes { raw throws(HTTP1Syntax.Violation) in try head(raw, of: bytes) }
    }

    /// Parses a whole head, read in place; its fields stay in `bytes`, where they are looked up.
    private static func head(_ raw: UnsafeRawBufferPointer, of bytes: ByteBuffer) throws(HTTP1Syntax.Violation) -> (RequestHead, HTTP1BodyReader.Framing) {
        var lines = HTTP1Syntax.Lines(raw)
        // RFC 9112 (2.2): empty lines before a request line are ignored.
        var requestLine = lines.next()
        while requestLine?.isEmpty == true { requestLine = lines.next() }
        guard let requestLine else { throw HTTP1Syntax.Violation("its request line is incomplete") }
        guard let (method, target, version, originForm) = Self.requestLine(requestLine) else { throw HTTP1Syntax.Violation("its request line is not HTTP/1.x") }
        var fields = HeadFields.Builder()
        var pairs: [(String, String)] = []  // for the other forms only, which go through the general conversion
        var authority: String?
        var contentLength: Int?
        var transferEncoding: Bool?
        var close = false
        var keepAliveAsked = false
        var continueAsked = false
        while let (name, value) = try lines.nextField() {
            switch name.count {
            case 4 where HTTP1Syntax.equalsIgnoringCase(name, "host"):
                if originForm && authority == nil {
                    authority = String(decoding: value, as: UTF8.self)
                    continue
                }
            case 6 where HTTP1Syntax.equalsIgnoringCase(name, "expect"):
                continueAsked = HTTP1Syntax.equalsIgnoringCase(value, "100-continue")
            case 10 where HTTP1Syntax.equalsIgnoringCase(name, "connection"):
                let options = HTTP1Syntax.connectionOptions(value)
                close = close || options.close
                keepAliveAsked = keepAliveAsked || options.keepAlive
            case 14 where HTTP1Syntax.equalsIgnoringCase(name, "content-length"):
                let length = try HTTP1Syntax.contentLength(value)
                guard contentLength == nil || contentLength == length else { throw HTTP1Syntax.Violation("it has conflicting Content-Length values") }
                contentLength = length
            case 17 where HTTP1Syntax.equalsIgnoringCase(name, "transfer-encoding"):
                // Every coding listed counts: the last of all the fields' must be `chunked`.
                transferEncoding = HTTP1Syntax.endsChunked(value)
            default:
                break
            }
            if originForm {
                fields.append(name: name.startIndex..<name.endIndex, value: value.startIndex..<value.endIndex)
            } else {
                pairs.append((String(decoding: name, as: UTF8.self), HTTP1Syntax.value(value)))
            }
        }
        let framing: HTTP1BodyReader.Framing
        if let transferEncoding {
            guard contentLength == nil else { throw HTTP1Syntax.Violation("it has both Transfer-Encoding and Content-Length") }
            guard version.minor == 1 else { throw HTTP1Syntax.Violation("an HTTP/1.0 request has Transfer-Encoding") }
            guard transferEncoding else { throw HTTP1Syntax.Violation("its Transfer-Encoding does not end in chunked") }
            framing = .chunked
        } else {
            framing = .length(contentLength ?? 0)
        }
        let (scheme, path): (String?, String?)
        let headFields: HeadFields
        if originForm {
            (scheme, path) = ("http", target)
            headFields = fields.fields(of: bytes)
        } else {
            let head = HTTPRequestHead(version: version, method: HTTPMethod(rawValue: method.rawValue), uri: target, headers: HTTPHeaders(pairs))
            let request: HTTPRequest
            do {
                request = try HTTPRequest(head, secure: false, splitCookie: false)
            } catch {
                throw HTTP1Syntax.Violation("its request target cannot be read")
            }
            (scheme, path, authority) = (request.scheme, request.path, request.authority)
            headFields = HeadFields(request.headerFields)
        }
        let keepAlive = !close && (version.minor == 1 || keepAliveAsked)
        // RFC 9110 (10.1.1): an HTTP/1.0 client's expectation is ignored, and one without a body has nothing to wait for.
        let waitsToSend = continueAsked && version.minor == 1 && framing != .length(0)
        let head = RequestHead(
            method: method, scheme: scheme, path: path, authority: authority, fields: headFields, version: version, keepAlive: keepAlive,
            declaredLength: transferEncoding == nil ? contentLength : nil, waitsToSend: waitsToSend)
        return (head, framing)
    }

    /// `method SP request-target SP HTTP-version`, the method a token, the target visible
    /// characters, the version HTTP/1.0 or HTTP/1.1; nil when the line is not that. Besides the
    /// three, whether the target is in origin form (`/path`).
    private static func requestLine(_ raw: UnsafeRawBufferPointer) -> (HTTPRequest.Method, String, HTTPVersion, originForm: Bool)? {
        guard let space = raw.firstIndex(of: UInt8(ascii: " ")), space > 0, raw.count >= space + 11 else { return nil }
        let versionStart = raw.count - 8
        guard raw[versionStart - 1] == UInt8(ascii: " "), HTTP1Syntax.equals(raw[versionStart..<(raw.count - 1)], "HTTP/1.") else { return nil }
        let minor = raw[raw.count - 1]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { return nil }
        let target = raw[(space + 1)..<(versionStart - 1)]
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        let methodBytes = raw[..<space]
        let method: HTTPRequest.Method
        if HTTP1Syntax.equals(methodBytes, "POST") {
            method = .post
        } else if HTTP1Syntax.equals(methodBytes, "GET") {
            method = .get
        } else {
            guard methodBytes.allSatisfy(HTTP1Syntax.isTokenByte), let other = HTTPRequest.Method(String(decoding: methodBytes, as: UTF8.self)) else { return nil }
            method = other
        }
        // The chat completions path, most requests' target and too long for a small string, is not copied.
        let path = HTTP1Syntax.equals(target, "/v1/chat/completions") ? "/v1/chat/completions" : String(decoding: target, as: UTF8.self)
        return (method, path, HTTPVersion(major: 1, minor: Int(minor &- UInt8(ascii: "0"))), target.first == UInt8(ascii: "/"))
    }
}

/// A request head: its method, target and fields, with what HTTP types leave out. A class: a
/// ``RequestParser/Part`` then fits in the pipeline's `NIOAny` without a box of its own, for the
/// body and the end as for the head.
final class RequestHead: Sendable {
    /// The request method.
    let method: HTTPRequest.Method
    /// `http`, or the scheme of a request target in absolute form.
    let scheme: String?
    /// The request target's path and query.
    let path: String?
    /// The target's host and port, from the request target or `Host`.
    let authority: String?
    /// The header fields, `Host` left out when it made ``authority``.
    let fields: HeadFields
    /// HTTP/1.0 or HTTP/1.1.
    let version: HTTPVersion
    /// Whether the client lets the connection carry another request after this one.
    let keepAlive: Bool
    /// The `Content-Length` that frames the body; nil for a chunked body.
    let declaredLength: Int?
    /// Whether the client asked with `Expect: 100-continue` to be told to send the body it has.
    let waitsToSend: Bool

    init(
        method: HTTPRequest.Method, scheme: String?, path: String?, authority: String?, fields: HeadFields, version: HTTPVersion, keepAlive: Bool,
        declaredLength: Int?, waitsToSend: Bool
    ) {
        self.method = method
        self.scheme = scheme
        self.path = path
        self.authority = authority
        self.fields = fields
        self.version = version
        self.keepAlive = keepAlive
        self.declaredLength = declaredLength
        self.waitsToSend = waitsToSend
    }

    /// HTTP/1.0: no chunked encoding.
    var isLegacy: Bool { version.minor == 0 }

    /// The request as HTTP types has it, made when asked.
    var request: HTTPRequest { HTTPRequest(method: method, scheme: scheme, authority: authority, path: path, headerFields: fields.all) }
}
