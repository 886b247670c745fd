import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The pieces of HTTP/1.1's message syntax (RFC 9112) that the request and answer parsers share:
/// lines, header fields, `Content-Length` values and chunk sizes. Each check refuses with a
/// ``Violation`` instead of trusting or trapping on what it read.
enum HTTP1Syntax {
    /// What is wrong with the bytes; the parsers say whose message it was.
    struct Violation: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The largest head (start line and fields), trailer section and chunk-size line accepted:
    /// NIO's decoder's limit for a head's fields.
    static let maxHeadBytes = 80 * 1024

    /// The length of the head at the start of `bytes` through its empty line, nil while it is
    /// incomplete. `searched` carries how far earlier calls looked, so a head that arrives in
    /// many reads is scanned once.
    static func headLength(_ bytes: ByteBuffer, searched: inout Int) -> Int? {
        let from = searched
        let found: Int? = bytes.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var index = max(from, 1)
            while index < raw.count, let hit = memchr(base + index, Int32(UInt8(ascii: "\n")), raw.count - index) {
                index = base.distance(to: UnsafeRawPointer(hit))
                if index >= 1 && raw[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                if index >= 2 && raw[index - 1] == UInt8(ascii: "\r") && raw[index - 2] == UInt8(ascii: "\n") { return index + 1 }
                index += 1
            }
            return nil
        }
        searched = found == nil ? max(1, bytes.readableBytes) : 0
        return found
    }

    /// The lines of a whole head, read in place: each without its `\r\n` (or bare `\n`), through
    /// the empty line that ends the head.
    struct Lines {
        private let raw: UnsafeRawBufferPointer
        /// Where the next line starts.
        private(set) var position = 0

        init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

        /// The next line; nil when no complete line is left.
        mutating func next() -> UnsafeRawBufferPointer? {
            guard let base = raw.baseAddress, position < raw.count,
                let hit = memchr(base + position, Int32(UInt8(ascii: "\n")), raw.count - position)
            else { return nil }
            let newline = base.distance(to: UnsafeRawPointer(hit))
            var end = newline
            if end > position && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            defer { position = newline + 1 }
            return UnsafeRawBufferPointer(rebasing: raw[position..<end])
        }

        /// The next field line's name and value (``HTTP1Syntax/field(_:)``), as slices of the whole
        /// head (their indices count from its start); nil at the empty line that ends the head.
        mutating func nextField() throws(Violation) -> (name: UnsafeRawBufferPointer.SubSequence, value: UnsafeRawBufferPointer.SubSequence)? {
            let start = position
            guard let line = next(), line.count > 0 else { return nil }
            guard let (nameEnd, value) = HTTP1Syntax.field(line) else { throw Violation("it has a malformed header field") }
            return (raw[start..<(start + nameEnd)], raw[(start + value.lowerBound)..<(start + value.upperBound)])
        }
    }

    /// The next line of `bytes` without its `\r\n` (or bare `\n`), nil while incomplete; a line
    /// longer than `limit` is refused, `what` naming it.
    static func line(_ bytes: inout ByteBuffer, limit: Int, what: String) throws(Violation) -> ByteBuffer? {
        let newline: Int? = bytes.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: "\n")), raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard var length = newline else {
            if bytes.readableBytes > limit + 1 { throw Violation("its \(what) is larger than \(limit) bytes") }
            return nil
        }
        var line = bytes.readSlice(length: length)!
        bytes.moveReaderIndex(forwardBy: 1)
        if length > 0 && line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
            line = line.getSlice(at: line.readerIndex, length: length)!
        }
        guard length <= limit else { throw Violation("its \(what) is larger than \(limit) bytes") }
        return line
    }

    /// Where a field line's name ends and its value starts and ends: `name ":" OWS value OWS`,
    /// the name a token and the value without control characters. nil when malformed.
    static func field(_ raw: UnsafeRawBufferPointer) -> (nameEnd: Int, value: Range<Int>)? {
        guard let base = raw.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: ":")), raw.count) else { return nil }
        let colon = base.distance(to: UnsafeRawPointer(hit))
        guard colon > 0, isToken(base, count: colon) else { return nil }
        var start = colon + 1
        var end = raw.count
        while start < end && (raw[start] == UInt8(ascii: " ") || raw[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (raw[end - 1] == UInt8(ascii: " ") || raw[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        guard isFieldValue(raw[start..<end]) else { return nil }
        return (colon, start..<end)
    }

    /// Whether every byte may stand in a field value: visible, space, tab or above 0x7F (no other
    /// control byte, no DEL). Eight bytes at a time: a word none of whose bytes is below 0x20 or
    /// 0x7F passes at once, and only a word with one is read a byte at a time (a tab, or the end).
    static func isFieldValue(_ raw: UnsafeRawBufferPointer.SubSequence) -> Bool {
        func isValueByte(_ byte: UInt8) -> Bool { byte >= 0x20 && byte != 0x7F || byte == UInt8(ascii: "\t") }
        let bytes = UnsafeRawBufferPointer(rebasing: raw)
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset &+ 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // A borrow starts only at a byte below 0x20 (or at a zero byte, for DEL ^ 0x7F), so the
            // high bits flag a word that has one, and no other.
            let del = word ^ 0x7F7F_7F7F_7F7F_7F7F
            let flagged = ((word &- 0x2020_2020_2020_2020) & ~word | (del &- 0x0101_0101_0101_0101) & ~del) & 0x8080_8080_8080_8080
            if flagged != 0 {
                for index in offset..<(offset &+ 8) where !isValueByte(bytes[index]) { return false }
            }
            offset &+= 8
        }
        for index in offset..<bytes.count where !isValueByte(bytes[index]) { return false }
        return true
    }

    /// Whether `raw` is exactly `name`.
    static func equals(_ raw: UnsafeRawBufferPointer.SubSequence, _ name: StaticString) -> Bool {
        guard raw.count == name.utf8CodeUnitCount else { return false }
        return UnsafeRawBufferPointer(rebasing: raw).withMemoryRebound(to: UInt8.self) { memcmp($0.baseAddress!, name.utf8Start, raw.count) == 0 }
    }

    /// Whether `raw` spells `name`, ignoring the case of ASCII letters. `name` is lowercase letters,
    /// digits and `-`, and `raw` is bytes of a field line as ``field(_:)`` admits them (no control
    /// character but tab). Then setting the 0x20 bit of each byte lowers a capital and turns no other
    /// byte into one of `name`'s, so eight bytes are compared at a time.
    static func equalsIgnoringCase(_ raw: UnsafeRawBufferPointer.SubSequence, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard raw.count == count else { return false }
        guard let bytes = UnsafeRawBufferPointer(rebasing: raw).baseAddress else { return true }
        let expected = UnsafeRawPointer(name.utf8Start)
        guard count >= 8 else {
            for offset in 0..<count where bytes.load(fromByteOffset: offset, as: UInt8.self) | 0x20 != expected.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            return true
        }
        // Whole words, the last one ending at the last byte (it may overlap the one before).
        var offset = 0
        while true {
            let word = min(offset, count - 8)
            let lowered = bytes.loadUnaligned(fromByteOffset: word, as: UInt64.self) | 0x2020_2020_2020_2020
            guard lowered == expected.loadUnaligned(fromByteOffset: word, as: UInt64.self) else { return false }
            if word == count - 8 { return true }
            offset += 8
        }
    }

    /// A field value as a string. The media types that most requests and answers carry, longer
    /// than a string holds inline, are shared constants instead of a copy each.
    static func value(_ raw: UnsafeRawBufferPointer.SubSequence) -> String {
        if equals(raw, "application/json") { return "application/json" }
        if equals(raw, "text/event-stream") { return "text/event-stream" }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The byte with an ASCII capital letter made small.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// `slice` without leading and trailing spaces and tabs.
    static func trimmed(_ slice: UnsafeRawBufferPointer.SubSequence) -> UnsafeRawBufferPointer.SubSequence {
        var start = slice.startIndex
        var end = slice.endIndex
        while start < end && isBlank(slice[start]) { start += 1 }
        while end > start && isBlank(slice[end - 1]) { end -= 1 }
        return slice[start..<end]
    }

    /// A `Content-Length` value: decimal digits within `Int`, or a list of one such value repeated.
    static func contentLength(_ value: UnsafeRawBufferPointer.SubSequence) throws(Violation) -> Int {
        var length: Int?
        try forEachItem(of: value) { item throws(Violation) in
            let digits = trimmed(item)
            guard !digits.isEmpty else { throw Violation("its Content-Length is not a number") }
            var number = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { throw Violation("its Content-Length is not a number") }
                let (times, overflowTimes) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int(digit))
                guard !overflowTimes && !overflowSum else { throw Violation("its Content-Length is out of range") }
                number = sum
            }
            guard length == nil || length == number else { throw Violation("it has conflicting Content-Length values") }
            length = number
        }
        return length!
    }

    /// What a `Transfer-Encoding` value says: whether its last coding is `chunked`.
    static func endsChunked(_ value: UnsafeRawBufferPointer.SubSequence) -> Bool {
        let last = value.lastIndex(of: UInt8(ascii: ",")).map { value[($0 + 1)...] } ?? value
        return equalsIgnoringCase(trimmed(last), "chunked")
    }

    /// The `close` and `keep-alive` options a `Connection` value names.
    static func connectionOptions(_ value: UnsafeRawBufferPointer.SubSequence) -> (close: Bool, keepAlive: Bool) {
        var options = (close: false, keepAlive: false)
        forEachItem(of: value) { token in
            let option = trimmed(token)
            if equalsIgnoringCase(option, "close") { options.close = true }
            if equalsIgnoringCase(option, "keep-alive") { options.keepAlive = true }
        }
        return options
    }

    /// Calls `body` with each comma-separated item of a field value in order, empty ones too, in
    /// place: the hot path reads `Content-Length` and `Connection` on every request and answer.
    static func forEachItem<Failure: Error>(
        of value: UnsafeRawBufferPointer.SubSequence, _ body: (UnsafeRawBufferPointer.SubSequence) throws(Failure) -> Void
    ) throws(Failure) {
        var start = value.startIndex
        while true {
            let end = value[start...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
            try body(value[start..<end])
            guard end < value.endIndex else { return }
            start = end + 1
        }
    }

    /// The size of a chunk-size line (hex digits, then optional whitespace and extensions).
    static func chunkSize(_ line: ByteBuffer) throws(Violation) -> Int {
        let size: Int? = line.withUnsafeReadableBytes { raw in
            var size = 0
            var index = 0
            while index < raw.count, let digit = hexValue(raw[index]) {
                guard size <= Int.max >> 4 else { return nil }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { return nil }
            while index < raw.count && (raw[index] == UInt8(ascii: " ") || raw[index] == UInt8(ascii: "\t")) { index += 1 }
            guard index == raw.count || raw[index] == UInt8(ascii: ";") else { return nil }
            return size
        }
        guard let size else { throw Violation("it has a malformed chunk size") }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Whether the `count` bytes at `base` are all token bytes. Eight at a time while they are
    /// letters, digits and `-`, as a field name's nearly always are (``isPlainTokenWord(_:)``),
    /// the last eight overlapping the ones before; one at a time from the first word that is not.
    static func isToken(_ base: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        if count >= 8 {
            while offset < count {
                let start = min(offset, count &- 8)
                guard isPlainTokenWord(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))) else { break }
                offset = start &+ 8
            }
        }
        while offset < count {
            guard isTokenByte(base.load(fromByteOffset: offset, as: UInt8.self)) else { return false }
            offset &+= 1
        }
        return true
    }

    /// Whether each byte of `word` is an ASCII letter, a digit or `-`. With every byte below 0x80,
    /// adding `0x80 - low` to a byte sets its high bit exactly when it is at least `low`, and
    /// adding `0x7F - high` exactly when it is above `high`, and no sum carries into the next byte.
    static func isPlainTokenWord(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        guard word & highs == 0 else { return false }
        func within(_ low: UInt64, _ high: UInt64) -> UInt64 { (word &+ (0x80 &- low) &* ones) & ~(word &+ (0x7F &- high) &* ones) & highs }
        let dash = ~((word ^ (0x2D &* ones)) &+ 0x7F &* ones) & highs
        return within(0x30, 0x39) | within(0x41, 0x5A) | within(0x61, 0x7A) | dash == highs
    }

    /// RFC 9110's `tchar`: a letter, a digit, the backtick or one of `!#$%&'*+-.^_|~`. Looked up in
    /// a mask of the 128 ASCII bytes, a bit each: every field name of every request and answer is checked.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        byte < 64 ? tokenBytesBelow64 >> byte & 1 == 1 : byte < 128 && tokenBytesFrom64 >> (byte &- 64) & 1 == 1
    }

    /// Bit n set for byte n: `!#$%&'*+-.` and the digits. Literals, not computed: a computed
    /// static is initialized lazily, and every read of it would check that it was.
    private static let tokenBytesBelow64: UInt64 = 0x03FF_6CFA_0000_0000
    /// Bit n set for byte 64 + n: the letters, `^_`, the backtick, `|~`.
    private static let tokenBytesFrom64: UInt64 = 0x57FF_FFFF_C7FF_FFFE
}
