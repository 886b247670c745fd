import Foundation
import GatewayModel
import NIOCore
import TestSupport
import Testing

@testable import Gateway

@Suite("MCP: paths, messages and tool lists")
struct MCPTests {
    @Test("only /mcp/{project}/{server} with plain ids is a path", arguments: [
        "/mcp/chatbot%2Ffiles", "/mcp/chatbot/files%2F", "/mcp//chatbot/files", "/mcp/chatbot//files", "/mcp/support/../chatbot/files",
        "/mcp/chatbot/files/", "/mcp/./files", "/mcp/chatbot/..", "/mcp/chatbot\\files", "/mcp/chatbоt/files", "/mcp/chatbot/files?x=1",
        "/mcp/chatbot", "/mcp/", "/MCP/chatbot/files", "/mcp/chatbot/files/extra", "/mcp/\(String(repeating: "a", count: 65))/files",
    ])
    func rejected(_ target: String) {
        #expect(MCPPath(target: target) == nil)
    }

    @Test("a canonical path gives its project and server; random targets never trap")
    func canonical() {
        #expect(MCPPath(target: "/mcp/chat-bot_1/files.v2") == MCPPath(target: "/mcp/chat-bot_1/files.v2"))
        #expect(MCPPath(target: "/mcp/chat-bot_1/files.v2")?.project == "chat-bot_1" && MCPPath(target: "/mcp/a/b")?.server == "b")
        var random = SplitMix64(seed: 11)
        let alphabet = Array("/mcp%2F.\\?ab-_é0")
        for _ in 0..<5000 {
            let target = String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            if let path = MCPPath(target: target) {
                #expect(target == "/mcp/\(path.project)/\(path.server)", "\(target)")
            }
        }
    }

    @Test("a message gives its method, id and tool; a field acted on given twice, a batch or a wrong type is refused")
    func messages() throws {
        let call = try MCPMessage(ByteBuffer(string: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/"}}}"#))
        #expect(call.method == "tools/call" && call.id == "7" && call.tool == "read_file")
        let escaped = try MCPMessage(ByteBuffer(string: #"{"jsonrpc":"2.0","id":"a","method":"tools\/call","params":{"\u006eame":"rea\u0064_file"}}"#))
        #expect(escaped.tool == "read_file" && escaped.id == "\"a\"")
        let notification = try MCPMessage(ByteBuffer(string: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#))
        #expect(notification.id == nil && notification.tool == nil)
        for body in [
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","name":"secret"}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call","params":{"name":"secret"}}"#,
            #"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#, #"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
            #"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#, "", "{not json",
        ] {
            #expect(throws: MCPMessageError.self, "\(body)") { try MCPMessage(ByteBuffer(string: body)) }
        }
    }

    @Test("tools/list answers, JSON or SSE, keep only what the server's and the key's lists allow")
    func toolFilter() throws {
        let server = MCPServer(name: "files", url: "http://x/mcp", tools: ["echo", "add"])
        let grant = KeyGrant(keyID: "k", projectID: "p", orgID: "o", expiresAt: nil, mcpTools: ["files/echo"])
        let filter = try #require(MCPToolFilter(server: server, grant: grant))
        #expect(MCPToolFilter(server: MCPServer(name: "files", url: "http://x/mcp"), grant: KeyGrant(keyID: "k", projectID: "p", orgID: "o", expiresAt: nil)) == nil)
        let answer = #"{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"echo"},{"name":"add"},{"name":"secret"},{"title":"no name"}]}}"#
        func names(_ text: String) -> [String] {
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return ((object?["result"] as? [String: Any])?["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        }
        #expect(names(String(buffer: filter.filter(ByteBuffer(string: answer), eventStream: false))) == ["echo"])
        let stream = "event: message\r\nid: 1\r\ndata: \(answer)\r\n\r\n"
        let filtered = String(buffer: filter.filter(ByteBuffer(string: stream), eventStream: true))
        #expect(filtered.hasPrefix("event: message\r\nid: 1\r\ndata: ") && filtered.hasSuffix("\r\n\r\n"))
        let data = filtered.split(separator: "\r\n").first { $0.hasPrefix("data: ") }!.dropFirst(6)
        #expect(names(String(data)) == ["echo"])
        #expect(String(buffer: filter.filter(ByteBuffer(string: "not json"), eventStream: false)) == "not json")
    }

    @Test("sessions: bound, looked up, ended, and the oldest forgotten past the capacity")
    func sessions() {
        let sessions = MCPSessions(capacity: 3)
        let owner = MCPSessions.Owner(keyID: "k", projectID: "p", server: "s")
        for index in 0..<5 { sessions.bind("s\(index)", to: owner) }
        #expect(sessions.owner(of: "s0") == nil && sessions.owner(of: "s1") == nil && sessions.owner(of: "s4") == owner)
        sessions.end("s4")
        #expect(sessions.owner(of: "s4") == nil)
    }
}
