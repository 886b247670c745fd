/// Validates a JSON document in one pass (RFC 8259, UTF-8) and records where chosen top-level
/// fields of an object sit, so the gates read only what they need and the original bytes can be
/// forwarded unchanged.
public struct JSONScanner: ~Copyable {
    /// The type of a JSON value.
    public enum Kind: Equatable, Sendable, CustomStringConvertible {
        case object, array, string, number, bool, null

        /// A one-line description for logs and messages.
        public var description: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    /// A top-level field's value: its type, byte range and, for arrays, whether every element is an object.
    public struct Field: Equatable, Sendable {
        /// The value's type.
        public var kind: Kind
        /// Where the value's bytes sit in the scanned buffer.
        public var range: Range<Int>
        /// For arrays: the number of elements.
        public var elementCount = 0
        /// For arrays: whether every element is an object.
        public var allElementsAreObjects = true
        /// For numbers: whether it has no fraction or exponent.
        public var isInteger = false
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private static var maxDepth: Int { 256 }

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Scans `bytes`, which must hold one JSON object, and returns the fields named in `keys`
    /// (in the same order; nil where absent). At most ``Fields/capacity`` keys.
    ///
    /// Keys are compared after unescaping, as any JSON parser reads them, so `"\u006dodel"` is
    /// `model`. A key of `keys` that appears twice is refused (``JSONScanError/duplicateField``):
    /// parsers disagree on which of the two wins, so no reading of it is safe to act on.
    public static func scanObject(_ bytes: UnsafeBufferPointer<UInt8>, keys: Keys) throws(JSONScanError) -> Fields {
        var scanner = JSONScanner(bytes)
        var found = Fields(count: keys.count)
        scanner.skipWhitespace()
        guard scanner.index < bytes.count else { throw JSONScanError(offset: 0, problem: JSONScanError.emptyProblem) }
        guard bytes[scanner.index] == UInt8(ascii: "{") else {
            throw JSONScanError(offset: scanner.index, problem: "expected a JSON object at the top level")
        }
        if try scanner.openObject(depth: 1) {
            repeat {
                let (keyRange, hasEscape) = try scanner.memberName()
                let slot: Int?
                if hasEscape {
                    let name = JSONString.unescapedUTF8(bytes[keyRange])
                    slot = name.withUnsafeBufferPointer { name in keys.position(of: name[...]) }
                } else {
                    slot = keys.position(of: bytes[keyRange])
                }
                if let slot {
                    guard found[slot] == nil else {
                        var error = JSONScanError(offset: keyRange.lowerBound - 1, problem: "the field '\(keys.name(at: slot))' appears more than once")
                        error.duplicateField = keys.name(at: slot)
                        throw error
                    }
                    found[slot] = try scanner.scanValue(depth: 1, describe: true)
                } else {
                    _ = try scanner.scanValue(depth: 1, describe: false)
                }
            } while try scanner.nextMember()
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else {
            throw JSONScanError(offset: scanner.index, problem: "unexpected data after the JSON object")
        }
        return found
    }

    /// Scans `bytes`, which must hold one JSON array, and returns its elements (type and range).
    public static func scanElements(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> [Field] {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "[") else { throw JSONScanError(offset: scanner.index, problem: "expected a JSON array") }
        scanner.index += 1
        var elements: [Field] = []
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "]") { return elements }
        elements.reserveCapacity(4)  // a few messages or parts, the usual case, in one allocation
        while true {
            elements.append(try scanner.scanValue(depth: 1, describe: false))
            scanner.skipWhitespace()
            switch scanner.peek() {
            case UInt8(ascii: ","): scanner.index += 1
            case UInt8(ascii: "]"): return elements
            default: throw scanner.error("expected ',' or ']' in an array")
            }
        }
    }

    /// Steps into the object whose `{` is at `index`: true when a member follows, false when the
    /// object is empty (its `}` read too). With ``memberName()`` and ``nextMember()`` an object is
    /// read as a loop, `if try openObject(…) { repeat { name, value } while try nextMember() }`:
    /// a closure called for each member made copies of the fields found so far.
    private mutating func openObject(depth: Int) throws(JSONScanError) -> Bool {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        index += 1  // {
        skipWhitespace()
        guard peek() == UInt8(ascii: "}") else { return true }
        index += 1
        return false
    }

    /// Reads a member's name and the `:` after it; returns the name's range between the quotes and
    /// whether it has escapes.
    private mutating func memberName() throws(JSONScanError) -> (Range<Int>, Bool) {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted field name") }
        let name = try scanString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a field name") }
        index += 1
        return name
    }

    /// Reads what follows a member's value: true after a `,`, false after the object's `}`.
    private mutating func nextMember() throws(JSONScanError) -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case UInt8(ascii: "}"):
            index += 1
            return false
        default: throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func scanValue(depth: Int, describe: Bool) throws(JSONScanError) -> Field {
        skipWhitespace()
        let start = index
        guard let byte = peek() else { throw error("unexpected end of data, expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            if try openObject(depth: depth + 1) {
                repeat {
                    _ = try memberName()
                    _ = try scanValue(depth: depth + 1, describe: false)
                } while try nextMember()
            }
            return Field(kind: .object, range: start..<index)
        case UInt8(ascii: "["):
            return try scanArray(depth: depth + 1, describe: describe)
        case UInt8(ascii: "\""):
            _ = try scanString()
            return Field(kind: .string, range: start..<index)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return Field(kind: .bool, range: start..<index)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return Field(kind: .bool, range: start..<index)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return Field(kind: .null, range: start..<index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let isInteger = try scanNumber()
            return Field(kind: .number, range: start..<index, isInteger: isInteger)
        default:
            throw error("unexpected character, expected a value")
        }
    }

    private mutating func scanArray(depth: Int, describe: Bool) throws(JSONScanError) -> Field {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        let start = index
        index += 1
        var field = Field(kind: .array, range: start..<start)
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            field.range = start..<index
            return field
        }
        while true {
            let element = try scanValue(depth: depth, describe: false)
            field.elementCount += 1
            if element.kind != .object { field.allElementsAreObjects = false }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                field.range = start..<index
                return field
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// Scans a string starting at the opening quote; returns the range between the quotes.
    private mutating func scanString() throws(JSONScanError) -> (Range<Int>, Bool) {
        index += 1
        let start = index
        var hasEscape = false
        while index < bytes.count {
            // Eight bytes at a time up to the first byte that ends a plain run; that byte is read alone.
            if index &+ 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                let ends = Self.runEnds(word)
                guard ends != 0 else {
                    index &+= 8
                    continue
                }
                index &+= ends.trailingZeroBitCount &>> 3
            }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return (start..<(index - 1), hasEscape)
            case UInt8(ascii: "\\"):
                hasEscape = true
                try scanEscape()
            case 0..<0x20:
                throw error("control character inside a string (escape it)")
            case 0x80...:
                try scanUTF8Sequence()
            default:
                index += 1
            }
        }
        throw error("unterminated string")
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

    /// Scans a number; returns whether it has neither fraction nor exponent.
    private mutating func scanNumber() throws(JSONScanError) -> Bool {
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), first.isDigit else { throw error("invalid number") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard peek()?.isDigit == true else { throw error("invalid number: digits expected after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard peek()?.isDigit == true else { throw error("invalid number: digits expected in the exponent") }
            skipDigits()
        }
        return isInteger
    }

    private mutating func skipDigits() {
        while let byte = peek(), byte.isDigit { index += 1 }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of data") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw error("unexpected character, expected a value")
        }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func error(_ problem: String) -> JSONScanError { JSONScanError(offset: index, problem: problem) }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
