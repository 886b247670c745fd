import HTTPTypes
import NIOCore

/// A request's header fields as the parser read them: the head's bytes and where each field's
/// name and value sit in them, already checked. A value becomes a string only when it is looked
/// up, and ``all`` builds HTTP types' fields only when asked: the gateway reads three or four
/// of a request's fields, never all of them.
struct HeadFields: Sendable, FieldLookup {
    private enum Storage {
        /// The head and, per field, four offsets into it: name start and end, value start and end.
        case lines(ByteBuffer, [UInt32])
        /// Fields that went through HTTP types' conversion (a request target in absolute form).
        case converted(HTTPFields)
    }

    private let storage: Storage

    /// The fields at `offsets` (four per field, as ``Builder`` lays them out) of `head`'s readable bytes.
    fileprivate init(head: ByteBuffer, offsets: [UInt32]) { storage = .lines(head, offsets) }

    /// Fields that HTTP types' conversion produced.
    init(_ fields: HTTPFields) { storage = .converted(fields) }

    /// The value of the fields named `name` (in any case): one field's value as it is, several
    /// joined as HTTP types joins them (`, `, or `; ` for cookies); nil when there is none.
    subscript(name: HTTPField.Name) -> String? {
        switch storage {
        case .converted(let fields):
            return fields[name]
        case .lines(let head, let offsets):
            var found: String?
            Self.forEachValue(named: name, in: head, offsets) { value in
                if let earlier = found {
                    found = earlier + (name == .cookie ? "; " : ", ") + String(decoding: value, as: UTF8.self)
                } else {
                    found = HTTP1Syntax.value(value)
                }
                return true
            }
            return found
        }
    }

    /// `body`'s result for the bytes of the one field named `name` (in any case), read in place;
    /// nil when there is no such field, or several (whose joined value ``subscript(name:)`` gives).
    func withOnlyValue<Result>(of name: HTTPField.Name, _ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
        switch storage {
        case .converted(let fields):
            let matching = fields.lazy.filter { $0.name == name }
            guard let field = matching.first, matching.dropFirst().isEmpty else { return nil }
            return field.withUnsafeBytesOfValue { body(UnsafeRawBufferPointer($0)) }
        case .lines(let head, let offsets):
            var only: Result?
            var count = 0
            Self.forEachValue(named: name, in: head, offsets) { value in
                count += 1
                guard count == 1 else {
                    only = nil
                    return false
                }
                only = body(UnsafeRawBufferPointer(rebasing: value))
                return true
            }
            return only
        }
    }

    /// Calls `body` with the value of each field named `name` (in any case) in `head`, in order,
    /// until it returns false. Names are compared by length first, then byte by byte.
    private static func forEachValue(
        named name: HTTPField.Name, in head: ByteBuffer, _ offsets: [UInt32], _ body: (UnsafeRawBufferPointer.SubSequence) -> Bool
    ) {
        head.withUnsafeReadableBytes { raw in
            name.canonicalName.withUTF8Bytes { wanted in
                var index = 0
                while index < offsets.count {
                    defer { index &+= 4 }
                    let nameStart = Int(offsets[index]), nameEnd = Int(offsets[index &+ 1])
                    guard nameEnd &- nameStart == wanted.count, equalsLowercased(raw[nameStart..<nameEnd], wanted) else { continue }
                    guard body(raw[Int(offsets[index &+ 2])..<Int(offsets[index &+ 3])]) else { return }
                }
            }
        }
    }

    /// Every field, in order, as HTTP types' fields.
    var all: HTTPFields {
        switch storage {
        case .converted(let fields):
            return fields
        case .lines(let head, let offsets):
            var fields = HTTPFields()
            fields.reserveCapacity(offsets.count / 4)
            head.withUnsafeReadableBytes { raw in
                for index in stride(from: 0, to: offsets.count, by: 4) {
                    let name = String(decoding: raw[Int(offsets[index])..<Int(offsets[index + 1])], as: UTF8.self)
                    // The parser admits token names only, which HTTP types accepts.
                    guard let name = HTTPField.Name(name) else { continue }
                    fields.append(HTTPField(name: name, value: String(decoding: raw[Int(offsets[index + 2])..<Int(offsets[index + 3])], as: UTF8.self)))
                }
            }
            return fields
        }
    }

    /// Whether `raw` is `lowercase` (a canonical name) with its ASCII capitals made small.
    private static func equalsLowercased(_ raw: UnsafeRawBufferPointer.SubSequence, _ lowercase: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        for byte in raw {
            guard HTTP1Syntax.lowercased(byte) == lowercase[offset] else { return false }
            offset &+= 1
        }
        return true
    }

    /// Lays out the fields of a head as the parser reads them.
    struct Builder {
        private var offsets: [UInt32] = []

        init() { offsets.reserveCapacity(48) }

        /// Adds a field whose name and value sit at these ranges of the head's readable bytes.
        mutating func append(name: Range<Int>, value: Range<Int>) {
            // A head is at most ``HTTP1Syntax/maxHeadBytes`` long: every offset fits.
            offsets.append(UInt32(truncatingIfNeeded: name.lowerBound))
            offsets.append(UInt32(truncatingIfNeeded: name.upperBound))
            offsets.append(UInt32(truncatingIfNeeded: value.lowerBound))
            offsets.append(UInt32(truncatingIfNeeded: value.upperBound))
        }

        /// The fields of `head`, whose readable bytes the ranges were counted in.
        func fields(of head: ByteBuffer) -> HeadFields { HeadFields(head: head, offsets: offsets) }
    }
}

/// Header fields looked up by name: a request's as read (``HeadFields``) or HTTP types' own.
protocol FieldLookup {
    /// The value of the fields named `name`; nil when there is none.
    subscript(name: HTTPField.Name) -> String? { get }
}

extension HTTPFields: FieldLookup {}
