/// The path of an MCP request, `/mcp/{project}/{server}`, read strictly: exactly two ids after
/// `/mcp/`, each 1 to 64 of `A-Z a-z 0-9 . _ -` and neither `.` nor `..`. Anything else (encoded
/// characters such as `%2F`, backslashes, empty or dot segments, a trailing slash, non-ASCII
/// look-alikes, a query) is not a path the gateway serves, so no reading of it can differ from
/// the one the tenant check made.
struct MCPPath: Sendable, Equatable {
    /// The project id.
    let project: String
    /// The server name.
    let server: String

    /// The path of `target` (the request target as received); nil when it is not canonical.
    init?(target: String) {
        guard target.hasPrefix("/mcp/") else { return nil }
        let segments = target.dropFirst("/mcp/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 2, Self.isID(segments[0]), Self.isID(segments[1]) else { return nil }
        project = String(segments[0])
        server = String(segments[1])
    }

    private static func isID(_ text: Substring) -> Bool {
        guard (1...64).contains(text.utf8.count), text != ".", text != ".." else { return false }
        return text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
