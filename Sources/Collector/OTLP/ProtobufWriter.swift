/// Writes protocol buffers wire format (proto3): the few field kinds OTLP messages use, into one
/// buffer. A nested message is written in place and its length put in front of it afterwards,
/// so no message needs a buffer of its own.
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
        guard !values.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(values.count * 8))
        for value in values { littleEndian(value.bitPattern) }
    }

    /// A string field; empty is omitted unless `always`.
    mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        guard always || !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// An 8-byte span id field, most significant byte first.
    mutating func id(_ field: Int, _ value: UInt64) {
        tag(field, 2)
        varint(8)
        bigEndian(value)
    }

    /// A 16-byte trace id field, `high` first, each half most significant byte first.
    mutating func id(_ field: Int, _ high: UInt64, _ low: UInt64) {
        tag(field, 2)
        varint(16)
        bigEndian(high)
        bigEndian(low)
    }

    private mutating func bigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }

    /// A message field written by `body`, in place. One byte is kept for its length, enough for
    /// a message under 128 bytes (an attribute, mostly); a longer one moves its bytes along once
    /// to make room for the rest of the length.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, 2)
        let start = bytes.count
        bytes.append(0)
        body(&self)
        var length = UInt64(bytes.count - start - 1)
        var size = 1
        while length >> (7 * size) != 0 { size += 1 }
        if size > 1 { bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: start) }
        for index in start..<(start + size) {
            bytes[index] = UInt8(truncatingIfNeeded: length & 0x7F) | (index < start + size - 1 ? 0x80 : 0)
            length >>= 7
        }
    }

    /// The bytes of `other`, already written.
    mutating func append(_ other: ProtobufWriter) { bytes.append(contentsOf: other.bytes) }

    /// An OTLP `KeyValue` attribute as field `field`.
    mutating func attribute(_ field: Int, _ key: String, _ value: OTLPAttribute.Value) {
        message(field) { keyValue in
            keyValue.string(1, key)
            keyValue.message(2) { any in
                switch value {
                case .string(let text): any.string(1, text, always: true)
                case .bool(let flag): any.bool(2, flag, always: true)
                case .int(let number): any.int64(3, number, always: true)
                case .double(let number): any.double(4, number)
                }
            }
        }
    }

    private mutating func littleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
