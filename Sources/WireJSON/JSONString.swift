import NIOCore

/// Decoding and encoding of JSON string literals, for the few values the gateway reads or writes.
public enum JSONString {
    /// Decodes the string literal at `range` (quotes included) of a document ``JSONScanner`` validated.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> String {
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        return String(decoding: unescapedUTF8(inner), as: UTF8.self)
    }

    /// The UTF-8 of a validated string literal's contents (between the quotes) with escapes resolved.
    public static func unescapedUTF8(_ inner: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        var utf8 = [UInt8]()
        utf8.reserveCapacity(inner.count)
        var index = inner.startIndex
        while index < inner.endIndex {
            let byte = inner[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            let escape = inner[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = hexValue(inner, at: index)
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= inner.endIndex, inner[index] == UInt8(ascii: "\\"),
                    inner[index + 1] == UInt8(ascii: "u")
                {
                    let low = hexValue(inner, at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                utf8.append(contentsOf: UTF8.encode(Unicode.Scalar(code) ?? "\u{FFFD}")!)
            default: utf8.append(escape)
            }
        }
        return utf8
    }

    /// The UTF-8 of a validated string literal's contents (between the quotes), with, for each
    /// decoded byte, the offset in `inner` of the character or escape it came from, plus one
    /// entry for the end: a range of decoded bytes maps back to the literal's bytes.
    public static func unescapedUTF8WithOffsets(_ inner: Slice<UnsafeBufferPointer<UInt8>>) -> (utf8: [UInt8], offsets: [Int]) {
        guard inner.contains(UInt8(ascii: "\\")) else { return (Array(inner), Array(0...inner.count)) }
        var utf8 = [UInt8]()
        var offsets = [Int]()
        utf8.reserveCapacity(inner.count)
        offsets.reserveCapacity(inner.count + 1)
        var index = inner.startIndex
        while index < inner.endIndex {
            guard inner[index] == UInt8(ascii: "\\") else {
                utf8.append(inner[index])
                offsets.append(index - inner.startIndex)
                index += 1
                continue
            }
            var next = index + 2
            if inner[index + 1] == UInt8(ascii: "u") {
                next = index + 6
                if next + 6 <= inner.endIndex, inner[next] == UInt8(ascii: "\\"), inner[next + 1] == UInt8(ascii: "u"),
                    (0xD800..<0xDC00).contains(hexValue(inner, at: index + 2)), (0xDC00..<0xE000).contains(hexValue(inner, at: next + 2))
                {
                    next += 6
                }
            }
            let decoded = unescapedUTF8(inner[index..<next])
            utf8 += decoded
            offsets += repeatElement(index - inner.startIndex, count: decoded.count)
            index = next
        }
        offsets.append(inner.count)
        return (utf8, offsets)
    }

    private static func hexValue(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] { value = value << 4 | UInt32(byte.hexValue ?? 0) }
        return value
    }

    /// Appends `value` to `buffer` as a quoted, escaped JSON string.
    public static func write(_ value: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case 0..<0x20:
                buffer.writeStaticString("\\u00")
                let digits: StaticString = "0123456789abcdef"
                buffer.writeInteger(digits.utf8Start[Int(byte >> 4)])
                buffer.writeInteger(digits.utf8Start[Int(byte & 0xf)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// `value` as a quoted, escaped JSON string.
    public static func quoted(_ value: String) -> String {
        // A value with nothing to escape, the usual case, is quoted as it is: one allocation or,
        // for up to 13 bytes, none.
        let utf8 = value.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return String(unsafeUninitializedCapacity: utf8.count + 2) { bytes in
                bytes[0] = UInt8(ascii: "\"")
                let end = UnsafeMutableBufferPointer(rebasing: bytes[1...]).initialize(fromContentsOf: utf8) + 1
                bytes[end] = UInt8(ascii: "\"")
                return end + 1
            }
        }
        var buffer = ByteBuffer()
        write(value, to: &buffer)
        return String(buffer: buffer)
    }
}
