import Foundation
import GatewayModel
import Hummingbird
import NIOCore
import WireJSON
import Yams

/// Reads an admin API request body: strict JSON (RFC 8259), then the same field checks as the configuration
/// file, so both report a problem the same way (the field's path and what to write instead).
struct AdminBody {
    /// Largest body the admin API reads.
    static let maxBytes = 1 << 20

    let value: YAMLValue
    private let log: IssueLog

    /// Parses `request`'s body as a JSON object; `path` fields (e.g. the id in the URL) are
    /// filled in when absent and must match when present. An `optional` body may be empty.
    static func read(_ request: Request, path fields: [String: String] = [:], optional: Bool = false) async throws -> AdminBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw ModelError.invalid(field: "", message: "the body is larger than \(maxBytes) bytes")
        }
        let text = String(buffer: buffer)
        return try parse(optional && text.allSatisfy(\.isWhitespace) ? "{}" : text, path: fields)
    }

    /// Parses JSON text (see ``read(_:path:)``).
    static func parse(_ text: String, path fields: [String: String] = [:]) throws(ModelError) -> AdminBody {
        var bytes = Array(text.utf8)
        let strict = bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONScanError) in try JSONScanner.scanObject(buffer, keys: []) } }
        if case .failure(let error) = strict {
            throw .invalid(field: "", message: "the body is not a valid JSON object: \(error.problem) at byte \(error.offset)")
        }
        bytes = []
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw .invalid(field: "", message: "the body is not valid JSON (\(error))")
        }
        guard case .mapping(var mapping)? = node else { throw .invalid(field: "", message: "the body must be a JSON object") }
        for (name, expected) in fields {
            if let given = mapping[name] {
                guard given.string == expected else {
                    throw .invalid(field: name, message: "'\(given.string ?? "")' does not match '\(expected)' in the URL")
                }
            } else {
                mapping[name] = Node(expected, Tag(.str), .doubleQuoted)
            }
        }
        let log = IssueLog()
        return AdminBody(value: YAMLValue(node: .mapping(mapping), path: "", log: log), log: log)
    }

    /// `result` when reading produced no issue; else the first issue as a 400 naming its field.
    func checked<T>(_ result: T?) throws(ModelError) -> T {
        if let issue = log.issues.first { throw .invalid(field: issue.path, message: issue.message) }
        guard let result else { throw .invalid(field: "", message: "the body could not be read") }
        return result
    }
}
