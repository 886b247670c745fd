import NIOCore

extension ByteBuffer {
    /// Writes the field line `name: value` and its line end in one reservation of the buffer.
    /// A head written piece by piece takes a checked, exclusive access to the buffer's storage
    /// for every piece; a line at a time takes one. Names and values are written as they are:
    /// the caller has checked them.
    mutating func writeFieldLine(_ name: String, _ value: String) {
        value.withUTF8Bytes { writeFieldLine(name, $0) }
    }

    /// Writes the field line `name: value`, the value given as bytes.
    mutating func writeFieldLine(_ name: String, _ value: UnsafeRawBufferPointer) {
        writeFieldLine(name, valueBytes: value.count) { out in
            if let base = value.baseAddress { out.baseAddress!.copyMemory(from: base, byteCount: value.count) }
        }
    }

    /// Writes the field line `name: value`, the value an integer in decimal digits (a `-` first
    /// when negative), written in place rather than made into a string first.
    mutating func writeFieldLine(_ name: String, decimal value: Int) {
        let magnitude = value.magnitude  // Int.min's too
        let sign = value < 0 ? 1 : 0
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        writeFieldLine(name, valueBytes: sign + digits) { out in
            if sign == 1 { out[0] = UInt8(ascii: "-") }
            var rest = magnitude
            for index in stride(from: sign + digits - 1, through: sign, by: -1) {
                out[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
        }
    }

    /// Writes the field line `name: value`, the value's `valueBytes` bytes written in place by `writeValue`.
    mutating func writeFieldLine(_ name: String, valueBytes: Int, _ writeValue: (UnsafeMutableRawBufferPointer) -> Void) {
        name.withUTF8Bytes { name in
            let total = name.count + 2 + valueBytes + 2
            writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                var at = Self.copy(name, to: out, at: 0)
                out[at] = UInt8(ascii: ":")
                out[at + 1] = UInt8(ascii: " ")
                at += 2
                writeValue(UnsafeMutableRawBufferPointer(rebasing: out[at..<at + valueBytes]))
                at += valueBytes
                out[at] = UInt8(ascii: "\r")
                out[at + 1] = UInt8(ascii: "\n")
                return total
            }
        }
    }

    /// Writes the request line `method target HTTP/1.1` and its line end in one reservation.
    mutating func writeRequestLine(method: String, target: String) {
        method.withUTF8Bytes { method in
            target.withUTF8Bytes { target in
                let total = method.count + 1 + target.count + 11
                writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                    var at = Self.copy(method, to: out, at: 0)
                    out[at] = UInt8(ascii: " ")
                    at = Self.copy(target, to: out, at: at + 1)
                    _ = Self.copy(UnsafeRawBufferPointer(StaticString(" HTTP/1.1\r\n")), to: out, at: at)
                    return total
                }
            }
        }
    }

    /// Writes the status line `HTTP/1.x code phrase` and its line end in one reservation. The
    /// code is written as three digits (HTTPTypes keeps it within 0...999).
    mutating func writeStatusLine(legacy: Bool, code: Int, phrase: String) {
        phrase.withUTF8Bytes { phrase in
            let total = 13 + phrase.count + 2
            writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                var at = Self.copy(UnsafeRawBufferPointer(legacy ? StaticString("HTTP/1.0 ") : StaticString("HTTP/1.1 ")), to: out, at: 0)
                out[at] = UInt8(truncatingIfNeeded: 0x30 + code / 100 % 10)
                out[at + 1] = UInt8(truncatingIfNeeded: 0x30 + code / 10 % 10)
                out[at + 2] = UInt8(truncatingIfNeeded: 0x30 + code % 10)
                out[at + 3] = UInt8(ascii: " ")
                at = Self.copy(phrase, to: out, at: at + 4)
                out[at] = UInt8(ascii: "\r")
                out[at + 1] = UInt8(ascii: "\n")
                return total
            }
        }
    }

    /// Copies `bytes` to `out` at `offset`; returns the offset after them.
    private static func copy(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        if let base = bytes.baseAddress { (out.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count) }
        return offset + bytes.count
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes of a static string.
    fileprivate init(_ string: StaticString) {
        self.init(start: string.utf8Start, count: string.utf8CodeUnitCount)
    }
}
