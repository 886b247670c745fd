import NIOCore

extension ByteBuffer {
    /// Writes `bytes` bytes of a head in one reservation of the buffer: `body` writes that many at
    /// the cursor (``HeadCursor``), and up to `spare` more where only a bound is known, and the
    /// writer index moves past them.
    mutating func writeHead(bytes: Int, spare: Int = 0, _ body: (inout HeadCursor) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: bytes + spare) { out in
            var cursor = HeadCursor(out)
            body(&cursor)
            assert(cursor.offset >= bytes && cursor.offset <= bytes + spare, "a head of \(cursor.offset) bytes where \(bytes) (+ \(spare)) were summed")
            return cursor.offset
        }
    }

    /// Writes the field line `name: value` and its line end in one reservation of the buffer.
    mutating func writeFieldLine(_ name: String, _ value: String) {
        value.withUTF8Bytes { writeFieldLine(name, $0) }
    }

    /// Writes the field line `name: value`, the value given as bytes.
    mutating func writeFieldLine(_ name: String, _ value: UnsafeRawBufferPointer) {
        writeHead(bytes: HeadCursor.lineBytes(name: name.utf8.count, value: value.count)) { $0.line(name, value) }
    }

    /// Writes the request line `method target HTTP/1.1` and its line end in one reservation.
    mutating func writeRequestLine(method: String, target: String) {
        writeHead(bytes: Self.requestLineBytes(method: method, target: target)) { $0.requestLine(method: method, target: target) }
    }

    /// Bytes of the request line `method target HTTP/1.1` and its line end.
    static func requestLineBytes(method: String, target: String) -> Int { method.utf8.count + 1 + target.utf8.count + 11 }

    /// Writes the status line `HTTP/1.x code phrase` and its line end in one reservation. The
    /// code is written as three digits (HTTPTypes keeps it within 0...999).
    mutating func writeStatusLine(legacy: Bool, code: Int, phrase: String) {
        writeHead(bytes: 13 + phrase.utf8.count + 2) { out in
            out.write(literal: legacy ? "HTTP/1.0 " : "HTTP/1.1 ")
            out.write(count: 3) { digits in
                digits[0] = UInt8(truncatingIfNeeded: 0x30 + code / 100 % 10)
                digits[1] = UInt8(truncatingIfNeeded: 0x30 + code / 10 % 10)
                digits[2] = UInt8(truncatingIfNeeded: 0x30 + code % 10)
            }
            out.write(literal: " ")
            out.write(phrase)
            out.write(literal: "\r\n")
        }
    }
}

extension HeadCursor {
    /// Writes the request line `method target HTTP/1.1` and its line end.
    mutating func requestLine(method: String, target: String) {
        write(method)
        write(literal: " ")
        write(target)
        write(literal: " HTTP/1.1\r\n")
    }
}
