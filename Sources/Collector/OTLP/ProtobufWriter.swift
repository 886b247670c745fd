/// Writes protocol buffers wire format (proto3): the few field kinds OTLP messages use, into one
/// buffer. A nested message is written in place and its length put in front of it afterwards,
/// so no message needs a buffer of its own.
///
/// The buffer is its own memory, written through a pointer: a field checks the room left once,
/// where an array would check its capacity and uniqueness for every byte.
struct ProtobufWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written.
    private(set) var count = 0

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Makes room for `more` bytes after those written; returns where they go.
    @inline(__always)
    private mutating func room(_ more: Int) -> UnsafeMutablePointer<UInt8> {
        if more > capacity - count { grow(count + more) }
        return base + count
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (moved, larger)
    }

    /// The bytes of `value` as a varint.
    private static func size(varint value: UInt64) -> Int {
        var size = 1
        while value >> (7 * size) != 0 { size += 1 }
        return size
    }

    /// Writes `value` as a varint at `at`, which has room for 10 bytes; returns the bytes written.
    private static func put(varint value: UInt64, at: UnsafeMutablePointer<UInt8>) -> Int {
        var (value, index) = (value, 0)
        while value >= 0x80 {
            at[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            index += 1
        }
        at[index] = UInt8(value)
        return index + 1
    }

    /// Writes the tag of `field` (with `wireType`) and, for a length-delimited field, `length`.
    private mutating func header(_ field: Int, _ wireType: UInt64, length: Int? = nil) {
        let at = room(20)
        count += Self.put(varint: UInt64(field) << 3 | wireType, at: at)
        if let length { count += Self.put(varint: UInt64(length), at: base + count) }
    }

    /// Copies `byteCount` bytes from `source` after those written.
    private mutating func copy(_ source: UnsafeRawPointer, _ byteCount: Int) {
        UnsafeMutableRawPointer(room(byteCount)).copyMemory(from: source, byteCount: byteCount)
        count += byteCount
    }

    /// Writes the UTF-8 of `text`: in place for a native string, which holds it contiguously.
    private mutating func copy(_ text: String) {
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
            if let start = utf8.baseAddress { copy(start, utf8.count) }
        }
        if copied == nil {
            for byte in text.utf8 { copy(byte) }
        }
    }

    @inline(__always)
    private mutating func copy(_ byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    /// A varint field (int64, uint32, enum, bool); zero is omitted, as proto3 does, unless `always`
    /// (a member of a oneof, such as `AnyValue.int_value`, is present even at zero).
    mutating func varint(_ field: Int, _ value: UInt64, always: Bool = false) {
        guard always || value != 0 else { return }
        header(field, 0)
        count += Self.put(varint: value, at: base + count)  // the header's room holds it
    }

    /// An int64 field.
    mutating func int64(_ field: Int, _ value: Int64, always: Bool = false) { varint(field, UInt64(bitPattern: value), always: always) }

    /// A bool field.
    mutating func bool(_ field: Int, _ value: Bool, always: Bool = false) { varint(field, value ? 1 : 0, always: always) }

    /// A fixed64 field; zero is omitted.
    mutating func fixed64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        header(field, 1)
        put(value.littleEndian)
    }

    /// A double field, always written (a sum or bound of zero is still a value).
    mutating func double(_ field: Int, _ value: Double) {
        header(field, 1)
        put(value.bitPattern.littleEndian)
    }

    /// A packed repeated fixed64 field.
    mutating func packedFixed64(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        header(field, 2, length: values.count * 8)
        for value in values { put(value.littleEndian) }
    }

    /// A packed repeated double field.
    mutating func packedDouble(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        header(field, 2, length: values.count * 8)
        for value in values { put(value.bitPattern.littleEndian) }
    }

    /// A string field; empty is omitted unless `always`.
    mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        guard always || !value.isEmpty else { return }
        header(field, 2, length: value.utf8.count)
        copy(value)
    }

    /// A string field of `first` and `second` joined by a space, written without joining them.
    mutating func string(_ field: Int, _ first: String, _ second: String) {
        header(field, 2, length: first.utf8.count + 1 + second.utf8.count)
        copy(first)
        copy(UInt8(ascii: " "))
        copy(second)
    }

    /// An 8-byte span id field, most significant byte first.
    mutating func id(_ field: Int, _ value: UInt64) {
        header(field, 2, length: 8)
        put(value.bigEndian)
    }

    /// A 16-byte trace id field, `high` first, each half most significant byte first.
    mutating func id(_ field: Int, _ high: UInt64, _ low: UInt64) {
        header(field, 2, length: 16)
        put(high.bigEndian)
        put(low.bigEndian)
    }

    /// The 8 bytes of `value` as they are in memory.
    private mutating func put(_ value: UInt64) {
        UnsafeMutableRawPointer(room(8)).storeBytes(of: value, as: UInt64.self)
        count += 8
    }

    /// A message field written by `body`, in place (``beginMessage(_:)``, ``endMessage(_:)``).
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        let start = beginMessage(field)
        body(&self)
        endMessage(start)
    }

    /// Starts a message field written in place: what is written up to ``endMessage(_:)`` is its
    /// body. Returns where the body starts. One byte is kept for its length, enough for a message
    /// under 128 bytes (an attribute, mostly); a longer one moves its bytes along once to make
    /// room for the rest of the length.
    mutating func beginMessage(_ field: Int) -> Int {
        header(field, 2)
        copy(0)
        return count
    }

    /// Ends the message whose body starts at `start`: puts its length in front of it.
    mutating func endMessage(_ start: Int) {
        let length = count - start
        let size = Self.size(varint: UInt64(length))
        if size > 1 {
            _ = room(size - 1)
            // The regions overlap; a move of bytes handles that.
            (base + start + size - 1).moveInitialize(from: base + start, count: length)
            count += size - 1
        }
        _ = Self.put(varint: UInt64(length), at: base + start - 1)
    }

    /// The bytes of `other`, already written.
    mutating func append(_ other: borrowing ProtobufWriter) { copy(other.base, other.count) }

    /// An OTLP `KeyValue` attribute as field `field`.
    mutating func attribute(_ field: Int, _ key: String, _ value: OTLPAttribute.Value) {
        switch value {
        case .string(let text): attribute(field, key, text)
        case .bool(let flag): attribute(field, key, flag)
        case .int(let number): attribute(field, key, number)
        case .double(let number): attribute(field, key, number)
        }
    }

    /// A string attribute (`AnyValue.string_value`).
    mutating func attribute(_ field: Int, _ key: String, _ value: String) {
        let valueCount = value.utf8.count
        keyValue(field, key, anyLength: 1 + Self.size(varint: UInt64(valueCount)) + valueCount) { $0.string(1, value, always: true) }
    }

    /// A boolean attribute (`AnyValue.bool_value`).
    mutating func attribute(_ field: Int, _ key: String, _ value: Bool) {
        keyValue(field, key, anyLength: 2) { $0.bool(2, value, always: true) }
    }

    /// An integer attribute (`AnyValue.int_value`).
    mutating func attribute(_ field: Int, _ key: String, _ value: Int64) {
        keyValue(field, key, anyLength: 1 + Self.size(varint: UInt64(bitPattern: value))) { $0.int64(3, value, always: true) }
    }

    /// A double attribute (`AnyValue.double_value`).
    mutating func attribute(_ field: Int, _ key: String, _ value: Double) {
        keyValue(field, key, anyLength: 9) { $0.double(4, value) }
    }

    /// A `KeyValue` whose `AnyValue`, `anyLength` bytes long, `writeAny` writes: the lengths are
    /// known before the bytes, so none is put in front afterwards.
    private mutating func keyValue(_ field: Int, _ key: String, anyLength: Int, _ writeAny: (inout ProtobufWriter) -> Void) {
        let keyCount = key.utf8.count
        // proto3 leaves an empty key out.
        let keyLength = keyCount == 0 ? 0 : 1 + Self.size(varint: UInt64(keyCount)) + keyCount
        header(field, 2, length: keyLength + 1 + Self.size(varint: UInt64(anyLength)) + anyLength)
        string(1, key)
        header(2, 2, length: anyLength)
        writeAny(&self)
    }
}
