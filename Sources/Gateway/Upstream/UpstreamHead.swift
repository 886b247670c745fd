import NIOCore
import NIOHTTP1

/// A provider's answer head: its version, its status, and its field lines as they were read
/// (already checked by ``UpstreamResponseParser``). A field becomes a string only when it is
/// looked up: the gateway reads two or three of a provider's fields, never all of them.
struct UpstreamHead: Equatable {
    let version: HTTPVersion
    let status: HTTPResponseStatus
    /// The value of the first `Content-Type` field, read by the parser beside the fields it acts
    /// on, since every answer relayed needs it; nil without one.
    let contentType: String?
    /// The field lines, each ending in `\n` or `\r\n`, checked by the parser.
    private let fieldLines: ByteBuffer

    init(version: HTTPVersion, status: HTTPResponseStatus, contentType: String? = nil, fieldLines: ByteBuffer = ByteBuffer()) {
        self.version = version
        self.status = status
        self.contentType = contentType
        self.fieldLines = fieldLines
    }

    /// The value of the first field named `name` (in any case), without surrounding whitespace.
    func first(name: String) -> String? {
        name.withUTF8Bytes { name in
            fieldLines.withUnsafeReadableBytes { raw in
                var lines = HTTP1Syntax.Lines(raw)
                while let line = lines.next(), !line.isEmpty {
                    // The parser checked every line: a token name (which holds no colon), a colon,
                    // a value. So the line is of this name exactly when its colon follows the
                    // name's length and the bytes before it spell the name; no colon is searched.
                    guard line.count > name.count, line[name.count] == UInt8(ascii: ":") else { continue }
                    var offset = 0
                    while offset < name.count && HTTP1Syntax.lowercased(line[offset]) == HTTP1Syntax.lowercased(name[offset]) { offset &+= 1 }
                    if offset == name.count { return HTTP1Syntax.value(HTTP1Syntax.trimmed(line[(name.count + 1)...])) }
                }
                return nil
            }
        }
    }

    /// Every field, in order.
    var fields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        forEachField { name, value in
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        return fields
    }

    /// Calls `body` with each field's name and value until it returns false.
    private func forEachField(_ body: (UnsafeRawBufferPointer.SubSequence, UnsafeRawBufferPointer.SubSequence) -> Bool) {
        fieldLines.withUnsafeReadableBytes { raw in
            var lines = HTTP1Syntax.Lines(raw)
            while let line = lines.next(), !line.isEmpty {
                // The parser checked every line: a name, a colon, a value. Only the split is left.
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                guard body(line[..<colon], HTTP1Syntax.trimmed(line[(colon + 1)...])) else { return }
            }
        }
    }

    static func == (lhs: UpstreamHead, rhs: UpstreamHead) -> Bool {
        lhs.version == rhs.version && lhs.status == rhs.status && lhs.fields.elementsEqual(rhs.fields) { $0 == $1 }
    }
}
