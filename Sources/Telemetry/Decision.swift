/// What a gate decided.
public enum Decision: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The request went on to the next gate.
    case pass
    /// The gate stopped the request.
    case deny
    /// The gate could not decide (a dependency failed) and stopped the request.
    case error

    /// A one-line description for logs and messages.
    public var description: String {
        switch self {
        case .pass: "pass"
        case .deny: "deny"
        case .error: "error"
        }
    }
}
