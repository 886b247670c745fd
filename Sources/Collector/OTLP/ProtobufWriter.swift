/// Writes protocol buffers wire format (proto3): the few field kinds OTLP messages use. A nested
/// message is written into its own writer and added with its length.
struct ProtobufWriter {
    /// The bytes written.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func tag(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// A varint field (int64, uint32, enum, bool); zero is omitted, as proto3 does, unless `always`
    /// (a member of a oneof, such as `AnyValue.int_value`, is present even at zero).
    mutating func varint(_ field: Int, _ value: UInt64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, 0)
        varint(value)
    }

    /// An int64 field.
    mutating func int64(_ field: Int, _ value: Int64, always: Bool = false) { varint(field, UInt64(bitPattern: value), always: always) }

    /// A bool field.
    mutating func bool(_ field: Int, _ value: Bool, always: Bool = false) { varint(field, value ? 1 : 0, always: always) }

    /// A fixed64 field; zero is omitted.
    mutating func fixed64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, 1)
        littleEndian(value)
    }

    /// A double field, always written (a sum or bound of zero is still a value).
    mutating func double(_ field: Int, _ value: Double) {
        tag(field, 1)
        littleEndian(value.bitPattern)
    }

    /// A packed repeated fixed64 field.
    mutating func packedFixed64(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(values.count * 8))
        for value in values { littleEndian(value) }
    }

    /// A packed repeated double field.
    mutating func packedDouble(_ field: Int, _ values: [Double]) {
        packedFixed64(field, values.map(\.bitPattern))
    }

    /// A string field; empty is omitted unless `always`.
    mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        guard always || !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A bytes field.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A message field already encoded (a repeated field is one call per element).
    mutating func message(_ field: Int, encoded: [UInt8]) {
        tag(field, 2)
        varint(UInt64(encoded.count))
        bytes.append(contentsOf: encoded)
    }

    /// A message field written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        body(&nested)
        message(field, encoded: nested.bytes)
    }

    /// The bytes of a 64-bit id, most significant first (OTLP's trace and span id order).
    static func idBytes(_ values: UInt64...) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.bigEndian) { out += $0 } }
        return out
    }

    private mutating func littleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
