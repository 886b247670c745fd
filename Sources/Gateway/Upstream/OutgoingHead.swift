import NIOCore
import Telemetry

/// A request head for a provider or an MCP server, written in wire form as its fields are added,
/// so no table of fields is built only to be written out. Names and values are the gateway's own
/// or already checked (``ProviderPool``, the MCP relay), so they are not checked again.
struct OutgoingHead: Sendable {
    /// The request line and the fields so far; the empty line that ends the head is not part of it.
    private(set) var bytes: ByteBuffer

    /// A head of `method` for `target` (an origin-form request target), over HTTP/1.1.
    init(method: String, target: String) {
        bytes = ByteBufferAllocator().buffer(capacity: 512)
        bytes.writeRequestLine(method: method, target: target)
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
