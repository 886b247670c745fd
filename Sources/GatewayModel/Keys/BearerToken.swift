import HTTPTypes

/// The one reading of `Authorization: Bearer <token>` that every listener uses (API keys on the
/// data plane, the platform token, org telemetry tokens): the scheme in any case, spaces around
/// the token skipped.
public enum BearerToken {
    /// The token, or nil when the header is absent, of another scheme, or empty.
    public static func parse(_ headers: HTTPFields) -> Substring? {
        // One field is read as it is; repeated fields as their combined value ("a, b"), as HTTP
        // reads them, which is no token of any key. The combining copy is made only then.
        var single: String?
        for field in headers where field.name == .authorization {
            guard single == nil else {
                single = headers[.authorization]
                break
            }
            single = field.value
        }
        return single.flatMap(token(in:))
    }

    /// The token of an `Authorization` value, or nil when it is of another scheme or empty.
    public static func token(in value: String) -> Substring? {
        // Read as bytes: the scheme and the spaces are ASCII, so the token's bounds are too.
        let utf8 = value.utf8
        let bounds = utf8.withContiguousStorageIfAvailable { tokenBounds(in: UnsafeRawBufferPointer($0)) }
            ?? Array(utf8).withUnsafeBytes { tokenBounds(in: $0) }
        guard let bounds else { return nil }
        return value[utf8.index(utf8.startIndex, offsetBy: bounds.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: bounds.upperBound)]
    }

    /// The offsets of the token in a field value's bytes: after `Bearer ` and the spaces and tabs
    /// around it. The scheme's letters match in either case (`| 0x20` lowers them); its seventh
    /// byte passes as a space, or a NUL, which no field value holds. Nil when the scheme is
    /// another or the token is empty.
    public static func tokenBounds(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        guard bytes.count > 7 else { return nil }
        let scheme: StaticString = "bearer "
        for index in 0..<7 where bytes[index] | 0x20 != scheme.utf8Start[index] { return nil }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = 7
        while start < bytes.count && isBlank(bytes[start]) { start += 1 }
        var end = bytes.count
        while end > start && isBlank(bytes[end - 1]) { end -= 1 }
        return start < end ? start..<end : nil
    }
}
