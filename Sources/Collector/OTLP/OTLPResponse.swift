/// What a backend's answer to one export means for the batch.
enum OTLPResponse: Equatable {
    /// Accepted; `rejected` items refused (`partial_success`), not to be sent again.
    case accepted(rejected: Int)
    /// Worth another attempt (429, 502, 503, 504, a connection that failed), after `retryAfter` seconds when the backend said so.
    case retryable(retryAfter: Double?, reason: String)
    /// Refused for good (any other status): the batch is failed.
    case refused(reason: String)

    /// The meaning of an answer with `status`, `Retry-After` header `retryAfter` and protobuf `body`.
    init(status: Int, retryAfter: String?, body: [UInt8]) {
        switch status {
        case 200..<300: self = .accepted(rejected: Self.rejectedCount(body))
        case 429, 502, 503, 504: self = .retryable(retryAfter: retryAfter.flatMap(Self.seconds), reason: "HTTP \(status)")
        default: self = .refused(reason: "HTTP \(status)")
        }
    }

    /// `Retry-After` as delta-seconds, bounded to an hour; nil for anything else.
    static func seconds(_ text: String) -> Double? {
        guard let value = Int(text.trimmingPrefix(" ").prefix { $0 != " " }), value >= 0 else { return nil }
        return Double(min(value, 3600))
    }

    /// The rejected count of an `Export*ServiceResponse`: field 1 (`partial_success`), whose field 1
    /// is the count of rejected spans or data points. Anything unreadable counts as none rejected.
    static func rejectedCount(_ body: [UInt8]) -> Int {
        var reader = Reader(bytes: body[...])
        while let (field, wireType) = reader.tag() {
            if field == 1 && wireType == 2, let nested = reader.lengthDelimited() {
                var inner = Reader(bytes: nested)
                while let (innerField, innerType) = inner.tag() {
                    if innerField == 1 && innerType == 0, let count = inner.varint() { return Int(clamping: Int64(bitPattern: count)) }
                    guard inner.skip(innerType) else { return 0 }
                }
                return 0
            }
            guard reader.skip(wireType) else { return 0 }
        }
        return 0
    }

    /// Reads the few protobuf wire types an export response holds.
    private struct Reader {
        var bytes: ArraySlice<UInt8>

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = bytes.popFirst() {
                guard shift < 64 else { return nil }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }

        mutating func tag() -> (field: UInt64, wireType: UInt64)? {
            guard !bytes.isEmpty, let key = varint() else { return nil }
            return (key >> 3, key & 7)
        }

        mutating func lengthDelimited() -> ArraySlice<UInt8>? {
            guard let length = varint(), length <= UInt64(bytes.count) else { return nil }
            defer { bytes = bytes.dropFirst(Int(length)) }
            return bytes.prefix(Int(length))
        }

        mutating func skip(_ wireType: UInt64) -> Bool {
            switch wireType {
            case 0: return varint() != nil
            case 1: return drop(8)
            case 2: return lengthDelimited() != nil
            case 5: return drop(4)
            default: return false
            }
        }

        private mutating func drop(_ count: Int) -> Bool {
            guard bytes.count >= count else { return false }
            bytes = bytes.dropFirst(count)
            return true
        }
    }
}
