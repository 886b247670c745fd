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

    /// The document scanned.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    var index = 0
    private static var maxDepth: Int { 256 }

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Scans `bytes`, which must hold one JSON object, and returns the fields named in `keys`
    /// (in the same order; nil where absent). At most ``Fields/capacity`` keys.
    ///
    /// Keys are compared after unescaping, as any JSON parser reads them, so `"\u006dodel"` is
    /// `model`. A key of `keys` that appears twice is refused (``JSONScanError/duplicateField``):
    /// parsers disagree on which of the two wins, so no reading of it is safe to act on.
    public static func scanObject(_ bytes: UnsafeBufferPointer<UInt8>, keys: Keys) throws(JSONScanError) -> Fields {
        var none = Nested()
        return try scanObject(bytes, keys: keys, nested: &none)
    }

    /// Scans `bytes` as ``scanObject(_:keys:)`` does and, in the same pass, reads the object that
    /// is the value of the key at `nested.slot` for `nested`'s keys (``Nested``): what a scan of
    /// that object alone would find, without reading it twice.
    public static func scanObject(_ bytes: UnsafeBufferPointer<UInt8>, keys: Keys, nested: inout Nested) throws(JSONScanError) -> Fields {
        precondition(nested.keys == nil || nested.slot < keys.count, "no such key")
        var scanner = JSONScanner(bytes)
        var found = Fields(count: keys.count)
        nested.reset()
        scanner.skipWhitespace()
        guard scanner.index < bytes.count else { throw JSONScanError(offset: 0, problem: JSONScanError.emptyProblem) }
        guard bytes[scanner.index] == UInt8(ascii: "{") else {
            throw JSONScanError(offset: scanner.index, problem: "expected a JSON object at the top level")
        }
        if try scanner.openObject(depth: 1) {
            repeat {
                let (slot, nameStart) = try scanner.member(of: keys)
                guard let slot else {
                    _ = try scanner.skipValue(depth: 1)
                    continue
                }
                guard found[slot] == nil else { throw duplicate(keys, slot, offset: nameStart) }
                scanner.skipWhitespace()
                if slot == nested.slot, let nestedKeys = nested.keys, scanner.peek() == UInt8(ascii: "{") {
                    let start = scanner.index
                    try scanner.nestedObject(keys: nestedKeys, depth: 2, into: &nested)
                    found[slot] = Field(kind: .object, range: start..<scanner.index)
                } else {
                    found[slot] = try scanner.scanValue(depth: 1)
                }
            } while try scanner.nextMember()
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else {
            throw JSONScanError(offset: scanner.index, problem: "unexpected data after the JSON object")
        }
        return found
    }

    /// Reads the object whose `{` is at `index`, recording the fields named in `keys` in `nested`.
    /// A key written twice is noted there, and the reading goes on: the document around the
    /// object must still be read to its end.
    private mutating func nestedObject(keys: Keys, depth: Int, into nested: inout Nested) throws(JSONScanError) {
        let start = index
        if try openObject(depth: depth) {
            repeat {
                let (slot, nameStart) = try member(of: keys)
                if let slot, nested.fields[slot] == nil {
                    nested.fields[slot] = try scanValue(depth: depth)
                } else {
                    if let slot, nested.duplicate == nil { nested.duplicate = Self.duplicate(keys, slot, offset: nameStart - start) }
                    _ = try skipValue(depth: depth)
                }
            } while try nextMember()
        }
    }

    /// Reads a member's name and the `:` after it; returns the name's position in `keys` (nil
    /// when it is none of them) and the offset of its opening quote.
    private mutating func member(of keys: Keys) throws(JSONScanError) -> (Int?, Int) {
        let (range, hasEscape) = try memberName()
        guard hasEscape else { return (keys.position(of: bytes[range]), range.lowerBound - 1) }
        let name = JSONString.unescapedUTF8(bytes[range])
        return (name.withUnsafeBufferPointer { name in keys.position(of: name[...]) }, range.lowerBound - 1)
    }

    private static func duplicate(_ keys: Keys, _ slot: Int, offset: Int) -> JSONScanError {
        var error = JSONScanError(offset: offset, problem: "the field '\(keys.name(at: slot))' appears more than once")
        error.duplicateField = keys.name(at: slot)
        return error
    }

    /// Scans `bytes`, which must hold one JSON array, and returns its elements (type and range).
    public static func scanElements(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanError) -> [Field] {
        var scanner = JSONScanner(bytes)
        var elements: [Field] = []
        guard try scanner.openArray() else { return elements }
        elements.reserveCapacity(4)  // a few messages or parts, the usual case, in one allocation
        repeat { elements.append(try scanner.scanValue(depth: 1)) } while try scanner.nextElement()
        return elements
    }

    /// Scans `bytes` as ``scanElements(_:)`` does and, in the same pass, reads each element that is
    /// an object for the fields named in `keys` (its ``Nested``; none found for other elements):
    /// what a scan of each object alone would find, without reading it twice. Each element is given
    /// to `body` as it is read, held in place: no array of elements is built. On an error, the
    /// elements before it have been given.
    public static func scanElements(
        _ bytes: UnsafeBufferPointer<UInt8>, keys: Keys, _ body: (Field, borrowing Nested) -> Void
    ) throws(JSONScanError) {
        var scanner = JSONScanner(bytes)
        guard try scanner.openArray() else { return }
        var members = Nested(element: keys)
        repeat {
            members.reset()
            scanner.skipWhitespace()
            if scanner.peek() == UInt8(ascii: "{") {
                let start = scanner.index
                try scanner.nestedObject(keys: keys, depth: 2, into: &members)
                body(Field(kind: .object, range: start..<scanner.index), members)
            } else {
                body(try scanner.scanValue(depth: 1), members)
            }
        } while try scanner.nextElement()
    }

    /// Steps into the top-level array: true when an element follows, false when it is empty.
    private mutating func openArray() throws(JSONScanError) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "[") else { throw error("expected a JSON array") }
        index += 1
        skipWhitespace()
        guard peek() == UInt8(ascii: "]") else { return true }
        return false
    }

    /// Reads what follows an element of the top-level array: true after a `,`, false at its `]`.
    private mutating func nextElement() throws(JSONScanError) -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case UInt8(ascii: "]"): return false
        default: throw error("expected ',' or ']' in an array")
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

    /// Reads a value and describes it: its type, range and, for arrays and numbers, their shape.
    private mutating func scanValue(depth: Int) throws(JSONScanError) -> Field {
        skipWhitespace()
        let start = index
        guard index < bytes.count else { throw error("unexpected end of data, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "["):
            return try scanArray(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let isInteger = try scanNumber()
            return Field(kind: .number, range: start..<index, isInteger: isInteger)
        default:
            let kind = try skipValue(depth: depth)
            return Field(kind: kind, range: start..<index)
        }
    }

    /// Reads a value and returns only its type: what a value that no key asks for needs.
    private mutating func skipValue(depth: Int) throws(JSONScanError) -> Kind {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of data, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            _ = try scanString()
            return .string
        case UInt8(ascii: "{"):
            if try openObject(depth: depth + 1) {
                repeat {
                    _ = try memberName()
                    _ = try skipValue(depth: depth + 1)
                } while try nextMember()
            }
            return .object
        case UInt8(ascii: "["):
            _ = try scanArray(depth: depth + 1)
            return .array
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
            return .number
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw error("unexpected character, expected a value")
        }
    }

    private mutating func scanArray(depth: Int) throws(JSONScanError) -> Field {
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
            if try skipValue(depth: depth) != .object { field.allElementsAreObjects = false }
            field.elementCount += 1
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

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ problem: String) -> JSONScanError { JSONScanError(offset: index, problem: problem) }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
