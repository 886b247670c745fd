import NIOCore
import WireJSON

/// What the gateway reads of a JSON-RPC message a client POSTs to an MCP server: its method, its
/// id, and for `tools/call` the tool's name. A field the gateway acts on that appears twice is
/// refused, since the server might read the other one.
struct MCPMessage: Sendable, Equatable {
    /// The method; nil for a response or an error the client sends back to the server.
    let method: String?
    /// The id as written (a number or a string literal); nil for a notification.
    let id: String?
    /// For `tools/call`: the tool's name.
    let tool: String?
    /// For `tools/call`: where `params.arguments` sits in the body, if given.
    let arguments: Range<Int>?

    private static let messageKeys: JSONScanner.Keys = ["jsonrpc", "method", "id", "params"]
    private static let callKeys: JSONScanner.Keys = ["name", "arguments"]

    /// Reads `body`; throws a description of what is wrong with it.
    init(_ body: ByteBuffer) throws(MCPMessageError) {
        let parsed = body.withUnsafeReadableBytes { raw -> Result<MCPMessage, MCPMessageError> in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(JSONScanError) {
                let top = try JSONScanner.scanObject(bytes, keys: Self.messageKeys)
                guard let version = top[0], version.kind == .string, JSONString.decode(bytes, range: version.range) == "2.0" else {
                    return .failure(MCPMessageError(message: "the message needs \"jsonrpc\": \"2.0\""))
                }
                var method: String?
                if let field = top[1] {
                    guard field.kind == .string else { return .failure(MCPMessageError(message: "\"method\" must be a string")) }
                    method = JSONString.decode(bytes, range: field.range)
                }
                var id: String?
                if let field = top[2] {
                    guard field.kind == .string || (field.kind == .number && field.isInteger) else {
                        return .failure(MCPMessageError(message: "\"id\" must be a string or an integer"))
                    }
                    id = String(decoding: bytes[field.range], as: UTF8.self)
                }
                var tool: String?
                var arguments: Range<Int>?
                if method == "tools/call" {
                    guard let params = top[3], params.kind == .object else {
                        return .failure(MCPMessageError(message: "tools/call needs \"params\" with the tool's \"name\""))
                    }
                    let inner = UnsafeBufferPointer(rebasing: bytes[params.range])
                    let fields = try JSONScanner.scanObject(inner, keys: Self.callKeys)
                    guard let name = fields[0], name.kind == .string else {
                        return .failure(MCPMessageError(message: "tools/call needs \"params.name\", a string"))
                    }
                    tool = JSONString.decode(inner, range: name.range)
                    arguments = fields[1].map { ($0.range.lowerBound + params.range.lowerBound)..<($0.range.upperBound + params.range.lowerBound) }
                }
                return .success(MCPMessage(method: method, id: id, tool: tool, arguments: arguments))
            } catch {
                return .failure(MCPMessageError(message: "the body is not one JSON-RPC message: \(error.problem) at byte \(error.offset)"))
            }
        }
        self = try parsed.get()
    }

    private init(method: String?, id: String?, tool: String?, arguments: Range<Int>?) {
        self.method = method
        self.id = id
        self.tool = tool
        self.arguments = arguments
    }

    /// Every string literal (keys and values, quotes included) in `range` of `bytes`, a JSON value
    /// the scanner accepted: the text of a tool's arguments, at any depth.
    static func stringLiterals(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Range<Int>] {
        var literals: [Range<Int>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < range.upperBound && bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
            literals.append(start..<min(index, range.upperBound))
        }
        return literals
    }
}

/// Why a body is not a JSON-RPC message the gateway can act on.
struct MCPMessageError: Error, Equatable {
    /// What is wrong, for the client.
    let message: String
}
