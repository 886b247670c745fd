import GatewayModel

extension ConfigReader {
    /// One MCP server of a project: `{ name, url, headersEnv, tools, timeoutSeconds }`.
    func readMCPServer(_ value: YAMLValue) -> MCPServer? {
        guard let fields = value.fields(allowed: ["name", "url", "headersEnv", "tools", "timeoutSeconds"]) else { return nil }
        let name = fields.required("name")?.identifier
        let url = fields.required("url").flatMap(readHTTPURL)
        var server = MCPServer(name: name ?? "", url: url ?? "", headersEnv: readHeadersEnv(fields["headersEnv"]))
        if let tools = fields["tools"] {
            server.tools = (tools.list ?? []).compactMap(\.string)
        }
        if let seconds = fields["timeoutSeconds"]?.positiveSeconds { server.timeoutSeconds = seconds }
        guard name != nil, url != nil else { return nil }
        return server
    }
}
