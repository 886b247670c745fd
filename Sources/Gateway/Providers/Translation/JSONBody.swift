import NIOCore
import WireJSON

import struct Foundation.Date

/// JSON documents for the translations between API shapes (read and written by ``JSONTree``):
/// readers that never trap on a hostile value (a count that is a boolean, a fraction, negative or
/// past 10^9 is no count), and a writer.
enum JSONBody {
    /// A JSON object.
    typealias Object = [String: Any]

    /// The object `buffer` holds; nil when it is not one JSON object, or names a key twice.
    static func object(_ buffer: ByteBuffer) -> Object? {
        buffer.withUnsafeReadableBytes { JSONTree.object($0.bindMemory(to: UInt8.self)) }
    }

    /// The object `text` holds; nil when it is not one JSON object, or names a key twice.
    static func object(_ text: String) -> Object? {
        var text = text
        return text.withUTF8 { JSONTree.object($0) }
    }

    /// A request body as an object to translate, or the 400 of a body that names a key twice in
    /// one object (which one the provider would read is not defined).
    static func request(_ body: ByteBuffer) throws(TranslationError) -> Object {
        guard let object = object(body) else {
            throw TranslationError("The request body names a key twice in one object; send each key once, so the provider reads what the gateway checked.")
        }
        return object
    }

    /// `value` written as compact JSON.
    static func buffer(_ value: Any) -> ByteBuffer {
        var buffer = ByteBuffer()
        JSONTree.write(value, to: &buffer)
        return buffer
    }

    /// `value` written as compact JSON text.
    static func text(_ value: Any) -> String {
        String(buffer: buffer(value))
    }

    /// A token count: an integer from 0 to ``TokenUsage/maxCount``; nil for anything else.
    static func count(_ value: Any?) -> Int? {
        if let value, type(of: value) == Int.self { return (0...TokenUsage.maxCount).contains(value as! Int) ? value as? Int : nil }
        guard let number = value as? JSONNumber, number.text.utf8.count <= 10, number.text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let count = Int(number.text), count <= TokenUsage.maxCount
        else { return nil }
        return count
    }

    /// A token count that may be left out: 0 when absent or `null`, else as ``count(_:)``.
    static func optionalCount(_ value: Any?) -> Int? {
        value == nil || isNull(value) ? 0 : count(value)
    }

    /// The sum of token counts, or nil when one is not a count or the sum passes ``TokenUsage/maxCount``.
    static func sum(_ counts: Int?...) -> Int? {
        var total = 0
        for count in counts {
            guard let count else { return nil }
            total += count  // each at most maxCount (1e9): no overflow
        }
        return total <= TokenUsage.maxCount ? total : nil
    }

    /// A usage count as written into a translated body: the count, or `null` (which the
    /// gateway's metering reads as usage it cannot charge) for a value that is not one.
    static func written(_ count: Int?) -> Any {
        count.map { $0 as Any } ?? null
    }

    /// JSON's `null`.
    static var null: Any { JSONNull() }

    /// Whether `value` is JSON's `null`.
    static func isNull(_ value: Any?) -> Bool { value is JSONNull }

    /// The current time in whole seconds since 1970, for the `created` of translated answers.
    static func unixSeconds() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
