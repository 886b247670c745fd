import GatewayModel

/// One problem found in a configuration file, located by key path and line.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path, e.g. `orgs[0].projects[1].routes[0].targets[0].provider`.
    public var path: String
    /// 1-based line in the file, when known.
    public var line: Int?
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an issue.
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// A one-line description for logs and messages.
    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return path.isEmpty ? "\(location)\(message)" : "\(location)\(path): \(message)"
    }
}
