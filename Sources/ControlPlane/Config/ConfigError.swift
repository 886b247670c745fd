import GatewayModel

/// A configuration that cannot be used, with every problem found in it.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order.
    public var issues: [ConfigIssue]

    /// Creates an error from its issues.
    public init(issues: [ConfigIssue]) { self.issues = issues }

    /// A one-line description for logs and messages.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
