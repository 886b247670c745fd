import NIOCore

/// A JSON number, kept as the text it was written in: passed on exactly, read as a count only
/// when it is one (``JSONBody/count(_:)``).
public struct JSONNumber: Sendable, Equatable {
    /// The number's text.
    public let text: String

    /// A number written as `text`.
    public init(text: String) {
        self.text = text
    }
}

/// JSON's `null`.
public struct JSONNull: Sendable, Equatable {
    /// The null value.
    public init() {}
}

/// JSON documents as plain Swift values, for the translations between API shapes: objects as
/// `[String: Any]`, arrays as `[Any]`, strings, booleans, ``JSONNumber`` and ``JSONNull`` (and
/// `Int` in values built here). A document is validated by ``JSONScanner`` first (UTF-8, syntax,
/// depth); one that names a key twice in any object is refused, since parsers disagree on which
/// of the two a provider would read.
public enum JSONTree {
    /// The object `bytes` hold; nil when they are not one valid JSON object without repeated keys.
    public static func object(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: Any]? {
        guard (try? JSONScanner.scanObject(bytes, keys: [])) != nil else { return nil }
        var reader = Reader(bytes: bytes)
        let value = reader.value()
        return reader.repeatedKey ? nil : value as? [String: Any]
    }

    /// Writes `value` as compact JSON; a value of any other type is written as `null`. Booleans
    /// and integers are told apart by their exact type (a cast would turn one into the other).
    public static func write(_ value: Any, to buffer: inout ByteBuffer) {
        if type(of: value) == Bool.self {
            buffer.writeString(value as! Bool ? "true" : "false")
            return
        }
        if type(of: value) == Int.self {
            buffer.writeString(String(value as! Int))
            return
        }
        switch value {
        case let string as String: JSONString.write(string, to: &buffer)
        case let number as JSONNumber: buffer.writeString(number.text)
        case let object as [String: Any]:
            buffer.writeStaticString("{")
            var first = true
            for (key, item) in object {
                if !first { buffer.writeStaticString(",") }
                first = false
                JSONString.write(key, to: &buffer)
                buffer.writeStaticString(":")
                write(item, to: &buffer)
            }
            buffer.writeStaticString("}")
        case let array as [Any]:
            buffer.writeStaticString("[")
            for (index, item) in array.enumerated() {
                if index > 0 { buffer.writeStaticString(",") }
                write(item, to: &buffer)
            }
            buffer.writeStaticString("]")
        default: buffer.writeStaticString("null")
        }
    }

    /// Builds the values of a document the scanner validated.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var repeatedKey = false

        mutating func value() -> Any {
            skipWhitespace()
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"):
                index += 4
                return true
            case UInt8(ascii: "f"):
                index += 5
                return false
            case UInt8(ascii: "n"):
                index += 4
                return JSONNull()
            default:
                let start = index
                while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
                return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            }
        }

        private mutating func object() -> [String: Any] {
            index += 1
            var object: [String: Any] = [:]
            skipWhitespace()
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return object
            }
            while true {
                skipWhitespace()
                let key = string()
                skipWhitespace()
                index += 1  // :
                if object.updateValue(value(), forKey: key) != nil { repeatedKey = true }
                skipWhitespace()
                index += 1  // , or }
                if bytes[index - 1] == UInt8(ascii: "}") { return object }
            }
        }

        private mutating func array() -> [Any] {
            index += 1
            var array: [Any] = []
            skipWhitespace()
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return array
            }
            while true {
                array.append(value())
                skipWhitespace()
                index += 1  // , or ]
                if bytes[index - 1] == UInt8(ascii: "]") { return array }
            }
        }

        private mutating func string() -> String {
            let start = index
            index += 1
            while bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
            index += 1
            return JSONString.decode(bytes, range: start..<index)
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
    }
}
