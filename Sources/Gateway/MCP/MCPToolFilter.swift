import GatewayModel
import NIOCore

import class Foundation.JSONSerialization
import struct Foundation.Data

/// Takes the tools a key may not call out of a `tools/list` answer, JSON or an SSE stream of
/// JSON-RPC messages, so that what a key is shown is what it may call.
struct MCPToolFilter: Sendable {
    let server: MCPServer
    let grant: KeyGrant

    /// A filter for `grant` on `server`; nil when neither limits the tools.
    init?(server: MCPServer, grant: KeyGrant) {
        guard server.tools != nil || grant.mcpTools != nil else { return nil }
        self.server = server
        self.grant = grant
    }

    /// `body` with every disallowed tool removed from each message's `result.tools`.
    func filter(_ body: ByteBuffer, eventStream: Bool) -> ByteBuffer {
        let text = String(buffer: body)
        guard eventStream else { return ByteBuffer(string: filtered(message: text) ?? text) }
        let separator = text.contains("\r\n\r\n") ? "\r\n\r\n" : "\n\n"
        let events = text.components(separatedBy: separator).map { event -> String in
            let newline = separator == "\r\n\r\n" ? "\r\n" : "\n"
            let lines = event.components(separatedBy: newline)
            let data = lines.filter { $0.hasPrefix("data:") }.map { line in
                let value = line.dropFirst("data:".count)
                return String(value.hasPrefix(" ") ? value.dropFirst() : value)
            }
            guard !data.isEmpty, let replaced = filtered(message: data.joined(separator: "\n")) else { return event }
            return (lines.filter { !$0.hasPrefix("data:") && !$0.isEmpty } + ["data: " + replaced]).joined(separator: newline)
        }
        return ByteBuffer(string: events.joined(separator: separator))
    }

    /// The message with its disallowed tools removed; nil when it lists no tools.
    private func filtered(message: String) -> String? {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(message.utf8))) as? [String: Any],
            var result = object["result"] as? [String: Any], let tools = result["tools"] as? [Any]
        else { return nil }
        result["tools"] = tools.filter { tool in
            guard let name = (tool as? [String: Any])?["name"] as? String else { return false }
            return grant.mayCall(tool: name, of: server)
        }
        object["result"] = result
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
