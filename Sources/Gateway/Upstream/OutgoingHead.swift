import NIOCore
import Telemetry

/// A request head for a provider or an MCP server, written in wire form as its fields are added,
/// so no table of fields is built only to be written out. Names and values are the gateway's own
/// or already checked (``ProviderPool``, the MCP relay), so they are not checked again.
struct OutgoingHead: Sendable {
    /// The request line and the fields so far; the empty line that ends the head is not part of it.
    private(set) var bytes: ByteBuffer

    /// A request body up to this size is sent behind its head, in the head's buffer and one write;
    /// a larger one is written after it.
    static let inlineBodyBytes = 16 * 1024

    /// A head of `method` for `target` (an origin-form request target), over HTTP/1.1, with room
    /// behind it for a body of `bodyBytes` that ``wire(body:)`` will copy there.
    init(method: String, target: String, bodyBytes: Int = 0) {
        self.init(bodyBytes: bodyBytes)
        bytes.writeRequestLine(method: method, target: target)
    }

    /// An empty head, with room for a body of `bodyBytes` behind it.
    private init(bodyBytes: Int) {
        bytes = ByteBufferAllocator().buffer(capacity: 512 + (bodyBytes <= Self.inlineBodyBytes ? bodyBytes : 0))
    }

    /// The request in wire form: the head and the empty line that ends it, with `body` behind
    /// them when it is small, or else apart. Consumed, so that the body is written into the head's
    /// own buffer rather than a copy of it.
    consuming func wire(body: ByteBuffer) -> (head: ByteBuffer, body: ByteBuffer?) {
        bytes.writeStaticString("\r\n")
        guard body.readableBytes <= Self.inlineBodyBytes else { return (bytes, body) }
        bytes.writeImmutableBuffer(body)
        return (bytes, nil)
    }

    /// Adds the field `name: value`.
    mutating func add(_ name: String, _ value: String) {
        bytes.writeFieldLine(name, value)
    }
}

extension OutgoingHead {
    /// A `POST` for `target` to a provider at `host`, with the fields every such request carries
    /// (`host`, `content-type: application/json`, `content-length` of `bodyBytes`, `x-request-id`,
    /// `traceparent`), written with the request line in one reservation of the buffer.
    init(post target: String, host: String, bodyBytes: Int, requestID: TraceID, traceparent: TraceParent) {
        self.init(bodyBytes: bodyBytes)
        let length =
            ByteBuffer.requestLineBytes(method: "POST", target: target) + HeadCursor.lineBytes("host", value: host.utf8.count)
            + HeadCursor.lineBytes("content-type", literal: "application/json")
            + HeadCursor.lineBytes("content-length", value: HeadCursor.decimalBytes(bodyBytes)) + HeadCursor.lineBytes("x-request-id", value: 32)
            + HeadCursor.lineBytes("traceparent", value: TraceParent.byteCount)
        bytes.writeHead(bytes: length) { out in
            out.requestLine(method: "POST", target: target)
            out.line("host", host)
            out.line("content-type", literal: "application/json")
            out.line("content-length", decimal: bodyBytes)
            out.line("x-request-id", valueBytes: 32) { requestID.writeHex(into: $0) }
            out.line("traceparent", valueBytes: TraceParent.byteCount) { traceparent.write(into: $0) }
        }
    }
}
