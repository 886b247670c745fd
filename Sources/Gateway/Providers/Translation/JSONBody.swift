import NIOCore

import class Foundation.JSONSerialization
import class Foundation.NSNull
import class Foundation.NSNumber
import struct Foundation.Data
import struct Foundation.Date

/// JSON documents as Foundation reads them, for the translations between API shapes: readers
/// that never trap on a hostile value (a count that is a boolean, a fraction, negative or past
/// 2^63 is no count), and a writer.
enum JSONBody {
    /// A JSON object.
    typealias Object = [String: Any]

    /// The object `buffer` holds; nil when it is not one JSON object (or holds a number no
    /// double can carry).
    static func object(_ buffer: ByteBuffer) -> Object? {
        object(Data(buffer.readableBytesView))
    }

    /// The object `text` holds; nil when it is not one JSON object.
    static func object(_ text: String) -> Object? {
        object(Data(text.utf8))
    }

    private static func object(_ data: Data) -> Object? {
        (try? JSONSerialization.jsonObject(with: data)) as? Object
    }

    /// `value` written as compact JSON.
    static func buffer(_ value: Any) -> ByteBuffer {
        ByteBuffer(bytes: data(value))
    }

    /// `value` written as compact JSON text.
    static func text(_ value: Any) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    private static func data(_ value: Any) -> Data {
        // Every value written is one this file read or built from strings, numbers and booleans.
        (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
    }

    /// A token count: an integer from 0 to ``TokenUsage/maxCount``; nil for anything else.
    static func count(_ value: Any?) -> Int? {
        // A JSON boolean is a number of Objective-C type `c` (`as? Bool` also takes the numbers 0 and 1).
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let double = number.doubleValue
        guard double >= 0, double <= Double(TokenUsage.maxCount), double == double.rounded(.towardZero) else { return nil }
        return Int(double)
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
        count.map { $0 as Any } ?? NSNull()
    }

    /// JSON's `null`.
    static var null: Any { NSNull() }

    /// Whether `value` is JSON's `null`.
    static func isNull(_ value: Any?) -> Bool { value is NSNull }

    /// The current time in whole seconds since 1970, for the `created` of translated answers.
    static func unixSeconds() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
