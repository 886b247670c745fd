extension JSONScanner {
    /// Scans a string starting at the opening quote; returns the range between the quotes.
    mutating func scanString() throws(JSONScanError) -> (Range<Int>, Bool) {
        let start = index &+ 1
        let count = bytes.count
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        var hasEscape = false
        // The index is kept in a register here and stored once a byte needs a closer look.
        var next = start
        while true {
            // Eight bytes at a time up to the first byte that ends a plain run; that byte is read alone.
            while next &+ 8 <= count {
                let ends = Self.runEnds(UInt64(littleEndian: UnsafeRawPointer(base + next).loadUnaligned(as: UInt64.self)))
                if ends != 0 {
                    next &+= ends.trailingZeroBitCount &>> 3
                    break
                }
                next &+= 8
            }
            guard next < count else {
                index = next
                throw error("unterminated string")
            }
            switch base[next] {
            case UInt8(ascii: "\""):
                index = next &+ 1
                return (start..<next, hasEscape)
            case UInt8(ascii: "\\"):
                hasEscape = true
                index = next
                try scanEscape()
                next = index
            case 0..<0x20:
                index = next
                throw error("control character inside a string (escape it)")
            case 0x80...:
                index = next
                try scanUTF8Sequence()
                next = index
            default:
                next &+= 1
            }
        }
    }

    /// The high bit of each byte of `word` (first byte lowest) that ends a run of plain string
    /// bytes: `"`, `\`, a control character or a byte of a multi-byte UTF-8 sequence; zero when
    /// none does. A borrow only carries towards later bytes, so the lowest bit set always marks the
    /// first such byte; bits above it may mark bytes that are plain.
    private static func runEnds(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        // A byte below n (n <= 0x80) borrows when n is subtracted: `(x - n) & ~x & 0x80` per byte.
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (word | zeroQuote | zeroBackslash | control) & highs
    }

    private mutating func scanEscape() throws(JSONScanError) {
        index += 1
        guard let byte = peek() else { throw error("unterminated escape") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 1
        case UInt8(ascii: "u"):
            let code = try scanHexQuad()
            switch code {
            case 0xD800..<0xDC00:
                // A high surrogate must be followed by its low half; parsers disagree on a lone one.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired UTF-16 surrogate in a \\u escape")
                }
                index += 1
                guard (0xDC00..<0xE000).contains(try scanHexQuad()) else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
            case 0xDC00..<0xE000:
                throw error("unpaired UTF-16 surrogate in a \\u escape")
            default:
                break
            }
        default:
            throw error("invalid escape sequence")
        }
    }

    /// Reads the `u` and four hex digits of a `\u` escape; returns their value.
    private mutating func scanHexQuad() throws(JSONScanError) -> UInt32 {
        index += 1  // u
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = peek(), let nibble = digit.hexValue else { throw error("\\u must be followed by 4 hex digits") }
            value = value << 4 | UInt32(nibble)
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    private mutating func scanUTF8Sequence() throws(JSONScanError) {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, lower) = (3, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, upper) = (3, 0x9F)
        case 0xF0: (length, lower) = (4, 0x90)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, upper) = (4, 0x8F)
        default: throw error("the body is not valid UTF-8")
        }
        guard index + length <= bytes.count else { throw error("the body is not valid UTF-8") }
        let second = bytes[index + 1]
        guard second >= lower && second <= upper else { throw error("the body is not valid UTF-8") }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            throw error("the body is not valid UTF-8")
        }
        index += length
    }
}
