/// An upstream MCP server (Streamable HTTP) that a project's keys reach through the gateway at
/// `/mcp/{project}/{name}`.
public struct MCPServer: Sendable, Equatable, Codable {
    /// Name, unique within the project; the last segment of the gateway path.
    public var name: String
    /// The server's MCP endpoint, e.g. `http://127.0.0.1:9000/mcp`.
    public var url: String
    /// Header values the gateway adds upstream, read from these environment variables of the data plane.
    public var headersEnv: [String: String]
    /// The tools keys may see and call; nil for every tool the server lists.
    public var tools: [String]?
    /// Time allowed for one exchange, a stream included.
    public var timeoutSeconds: Double

    /// Creates a server entry.
    public init(name: String, url: String, headersEnv: [String: String] = [:], tools: [String]? = nil, timeoutSeconds: Double = 60) {
        self.name = name
        self.url = url
        self.headersEnv = headersEnv
        self.tools = tools
        self.timeoutSeconds = timeoutSeconds
    }
}
