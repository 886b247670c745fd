/// Writes the lines of a head into memory reserved for all of them at once.
///
/// A reservation of a buffer's memory checks that the buffer's storage is unique and large
/// enough, about 150 instructions; a head written a line at a time pays that for every line. The
/// caller sums the lines' lengths first (``lineBytes(name:value:)``, ``decimalBytes(_:)``),
/// reserves that many bytes once (``NIOCore/ByteBuffer/writeHead(bytes:spare:_:)``), and writes each
/// line at the cursor. Names and values are written as they are: the caller has checked them.
struct HeadCursor {
    private let out: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    private(set) var offset = 0

    /// A cursor at the start of `out`.
    init(_ out: UnsafeMutableRawBufferPointer) { self.out = out }

    /// Bytes of the field line `name: value` and its line end, for a name of `name` bytes.
    static func lineBytes(name: Int, value: Int) -> Int { name + 2 + value + 2 }

    /// Bytes of the field line `name: value` and its line end, for a value of `value` bytes.
    static func lineBytes(_ name: StaticString, value: Int) -> Int { lineBytes(name: name.utf8CodeUnitCount, value: value) }

    /// Bytes of the field line `name: value` and its line end, for a literal value.
    static func lineBytes(_ name: StaticString, literal value: StaticString) -> Int { lineBytes(name, value: value.utf8CodeUnitCount) }

    /// Bytes of `value` in decimal digits, a `-` first when negative.
    static func decimalBytes(_ value: Int) -> Int {
        var magnitude = value.magnitude  // Int.min's too
        // Two digits a step: a division by a constant is a multiplication, and no table is read.
        var digits = 1
        while magnitude >= 100 {
            magnitude /= 100
            digits += 2
        }
        return digits + (magnitude >= 10 ? 1 : 0) + (value < 0 ? 1 : 0)
    }

    /// The decimal pairs `00` through `99`, for writing two digits a step.
    private static let pairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Hands out the next `count` bytes, where the caller writes them. A head longer than its
    /// reservation stops here rather than writing past it.
    private mutating func take(_ count: Int) -> UnsafeMutableRawPointer {
        precondition(count <= out.count - offset, "a head longer than its reservation")
        defer { offset += count }
        return out.baseAddress! + offset
    }

    /// Writes `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        let target = take(bytes.count)
        if let base = bytes.baseAddress { target.copyMemory(from: base, byteCount: bytes.count) }
    }

    /// Writes the bytes of the literal `string`.
    mutating func write(literal string: StaticString) {
        write(UnsafeRawBufferPointer(string))
    }

    /// Writes the UTF-8 bytes of `string`.
    mutating func write(_ string: String) {
        string.withUTF8Bytes { write($0) }
    }

    /// Writes `value` in decimal digits, a `-` first when negative.
    mutating func write(decimal value: Int) {
        let count = Self.decimalBytes(value)
        Self.digits(of: value, count: count, at: take(count))
    }

    /// Writes `count` bytes that `writeBytes` writes in place.
    mutating func write(count: Int, _ writeBytes: (UnsafeMutableRawBufferPointer) -> Void) {
        writeBytes(UnsafeMutableRawBufferPointer(start: take(count), count: count))
    }

    /// Writes the `count` (``decimalBytes(_:)``) bytes of `value` in decimal at `start`.
    private static func digits(of value: Int, count: Int, at start: UnsafeMutableRawPointer) {
        if value < 0 { start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self) }
        var rest = value.magnitude
        var index = count
        let pairs = UnsafeRawPointer(Self.pairs.utf8Start)
        while rest >= 10 {
            index -= 2
            (start + index).copyMemory(from: pairs + Int(rest % 100) * 2, byteCount: 2)
            rest /= 100
        }
        if index > (value < 0 ? 1 : 0) { (start + index - 1).storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + rest), as: UInt8.self) }
    }

    /// Takes the bytes of the line `name: ` + `valueBytes` bytes + its line end in one step, writes
    /// all but the value, and returns where the value goes.
    private mutating func line(name: UnsafeRawBufferPointer, valueBytes: Int) -> UnsafeMutableRawPointer {
        let start = take(Self.lineBytes(name: name.count, value: valueBytes))
        if let base = name.baseAddress { start.copyMemory(from: base, byteCount: name.count) }
        let value = start + name.count + 2
        (value - 2).storeBytes(of: UInt8(ascii: ":"), as: UInt8.self)
        (value - 1).storeBytes(of: UInt8(ascii: " "), as: UInt8.self)
        (value + valueBytes).storeBytes(of: UInt8(ascii: "\r"), as: UInt8.self)
        (value + valueBytes + 1).storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self)
        return value
    }

    /// Writes the field line `name: ` and `valueBytes` bytes that `writeValue` writes in place, and the line end.
    mutating func line(_ name: StaticString, valueBytes: Int, _ writeValue: (UnsafeMutableRawBufferPointer) -> Void) {
        writeValue(UnsafeMutableRawBufferPointer(start: line(name: UnsafeRawBufferPointer(name), valueBytes: valueBytes), count: valueBytes))
    }

    /// Writes the field line `name: value` and its line end.
    mutating func line(_ name: StaticString, _ value: String) {
        value.withUTF8Bytes { line(name, $0) }
    }

    /// Writes the field line `name: value` and its line end.
    mutating func line(_ name: StaticString, literal value: StaticString) {
        line(name, UnsafeRawBufferPointer(value))
    }

    /// Writes the field line `name: value`, the value in decimal digits.
    mutating func line(_ name: StaticString, decimal value: Int) {
        let count = Self.decimalBytes(value)
        Self.digits(of: value, count: count, at: line(name: UnsafeRawBufferPointer(name), valueBytes: count))
    }

    /// Writes the field line `name: value` and its line end.
    mutating func line(_ name: StaticString, _ value: UnsafeRawBufferPointer) {
        Self.copy(value, to: line(name: UnsafeRawBufferPointer(name), valueBytes: value.count))
    }

    /// Writes the field line `name: value` and its line end, the name given as a string.
    mutating func line(_ name: String, _ value: UnsafeRawBufferPointer) {
        name.withUTF8Bytes { name in Self.copy(value, to: line(name: name, valueBytes: value.count)) }
    }

    /// Copies `bytes` to `target`.
    private static func copy(_ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer) {
        if let base = bytes.baseAddress { target.copyMemory(from: base, byteCount: bytes.count) }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes of a literal.
    init(_ string: StaticString) {
        self.init(start: string.utf8Start, count: string.utf8CodeUnitCount)
    }
}
