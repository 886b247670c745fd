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
        bytes = ByteBufferAllocator().buffer(capacity: 512 + (bodyBytes <= Self.inlineBodyBytes ? bodyBytes : 0))
        bytes.writeRequestLine(method: method, target: target)
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

    /// Adds the field `name: value`, the value in decimal.
    mutating func add(_ name: String, _ value: Int) {
        add(name, String(value))
    }

    /// Adds the field `name: value` for a `traceparent`, written in place.
    mutating func add(_ name: String, _ value: TraceParent) {
        bytes.writeFieldLine(name, valueBytes: TraceParent.byteCount) { value.write(into: $0) }
    }

    /// Adds the field `name: id`, the id in hex.
    mutating func add(_ name: String, _ id: TraceID) {
        bytes.writeFieldLine(name, valueBytes: 32) { id.writeHex(into: $0) }
    }
}
