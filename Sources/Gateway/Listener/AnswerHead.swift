import HTTPTypes
import NIOCore
import NIOHTTP1
import Telemetry

/// The head of an answer to a client, with what `HTTPResponse` leaves out, and its framing.
///
/// The framing fields (`Content-Length`, `Transfer-Encoding`, `Connection`) are decided here, not
/// taken from the response: a body of known length is framed by its length, another by chunks on
/// HTTP/1.1 and by the close on HTTP/1.0, and a status that has no body (1xx, 204, 304) gets
/// neither. An answer to `HEAD` keeps its framing fields and leaves its body out.
struct AnswerHead {
    /// What a request's method allows of its answer's body.
    enum Method {
        /// A body is sent as framed.
        case ordinary
        /// `HEAD`: the framing fields are sent as for `GET`, the body is not.
        case head
        /// `CONNECT`: neither framing fields nor a body.
        case connect

        init(_ method: HTTPRequest.Method) {
            switch method {
            case .head: self = .head
            case .connect: self = .connect
            default: self = .ordinary
            }
        }
    }

    /// How the body that follows the head is delimited.
    enum Framing: Equatable {
        /// No body follows: the status has none, or the request was `HEAD` or `CONNECT`.
        case none
        /// `Content-Length` bytes follow.
        case length
        /// Chunks follow, and a last empty chunk ends them.
        case chunked
        /// The body ends when the connection does (HTTP/1.0, length unknown).
        case close
    }

    var status: HTTPResponse.Status
    /// The response's fields; the framing fields among them are replaced as above.
    var headerFields: HTTPFields
    /// The request was HTTP/1.0 (or older): the answer is HTTP/1.0 and never chunked.
    var isLegacy: Bool
    /// The connection closes after this answer, which says `Connection: close`.
    var closes: Bool
    /// The request's method, as far as it bears on the answer's body.
    var method: Method
    /// The body's length, when it is known.
    var contentLength: Int?
    /// The request's id, sent as `x-request-id` after the response's fields.
    var requestID: TraceID? = nil
    /// The rate limits sent as `x-ratelimit-*` after the response's fields.
    var headroom: Metering.Headroom? = nil

    /// Whether the status allows a body at all.
    private var statusHasBody: Bool {
        let code = status.code
        return code >= 200 && code != 204 && code != 304
    }

    /// Writes the status line and fields, and returns how the body that follows is framed.
    func write(into buffer: inout ByteBuffer) -> Framing {
        let code = status.code
        let phrase = status.reasonPhrase
        // A status made from its code alone has no phrase: the standard one goes out.
        buffer.writeStatusLine(legacy: isLegacy, code: code, phrase: phrase.isEmpty ? HTTPResponseStatus(statusCode: code).reasonPhrase : phrase)
        var declaredLength = false
        for field in headerFields {
            // A name's length rules most fields out of the framing ones before any comparison.
            guard Self.mayBeFraming(field.name) else {
                Self.write(field, into: &buffer)
                continue
            }
            switch field.name {
            case .connection, .transferEncoding:
                continue
            case .contentLength:
                // A length the response states itself is kept (once) when the body's is not known.
                guard contentLength == nil, !declaredLength, statusHasBody, method != .connect else { continue }
                declaredLength = true
            default:
                break
            }
            Self.write(field, into: &buffer)
        }
        let framing: Framing
        let omitsBody = method != .ordinary
        // The framing field: the body's length, or chunks.
        var lengthLine: Int? = nil
        var chunkedLine = false
        if !statusHasBody || method == .connect {
            framing = .none
        } else if let contentLength {
            lengthLine = contentLength
            framing = omitsBody ? .none : .length
        } else if declaredLength {
            framing = omitsBody ? .none : .length
        } else if isLegacy {
            framing = omitsBody ? .none : .close
        } else {
            chunkedLine = true
            framing = omitsBody ? .none : .chunked
        }
        // The gateway's own fields, the framing field and the empty line that ends the head, in one reservation.
        let end: StaticString = closes ? "connection: close\r\n\r\n" : isLegacy ? "connection: keep-alive\r\n\r\n" : "\r\n"
        var length = end.utf8CodeUnitCount
        if requestID != nil { length += HeadCursor.lineBytes("x-request-id", value: 32) }
        if let lengthLine { length += HeadCursor.lineBytes("content-length", value: HeadCursor.decimalBytes(lengthLine)) }
        if chunkedLine { length += Self.chunked.utf8CodeUnitCount }
        buffer.writeHead(bytes: length, spare: headroom?.maxBytes ?? 0) { out in
            if let requestID { out.line("x-request-id", valueBytes: 32) { requestID.writeHex(into: $0) } }
            headroom?.write(to: &out)
            if let lengthLine { out.line("content-length", decimal: lengthLine) }
            if chunkedLine { out.write(literal: Self.chunked) }
            out.write(literal: end)
        }
        return framing
    }

    private static let chunked: StaticString = "transfer-encoding: chunked\r\n"

    /// Whether `name` is as long as `connection`, `content-length` or `transfer-encoding`.
    private static func mayBeFraming(_ name: HTTPField.Name) -> Bool {
        switch name.canonicalName.utf8.count {
        case 10, 14, 17: true
        default: false
        }
    }

    /// Writes a field as `name: value` and its line end. HTTPTypes' names are tokens and its
    /// values never hold a CR, LF or NUL, so neither is checked again.
    static func write(_ field: HTTPField, into buffer: inout ByteBuffer) {
        field.withUnsafeBytesOfValue { buffer.writeFieldLine(field.name.rawName, UnsafeRawBufferPointer($0)) }
    }
}
