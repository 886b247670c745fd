/// Why a change to the model was refused; the admin API maps each case to its status.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field of the request is wrong (400); `field` is its path in the body.
    case invalid(field: String, message: String)
    /// The object, or its parent, does not exist (404).
    case notFound(String)
    /// The change clashes with what exists (409).
    case conflict(String)

    /// A one-line description for logs and messages.
    public var description: String {
        switch self {
        case .invalid(let field, let message): field.isEmpty ? message : "\(field): \(message)"
        case .notFound(let message), .conflict(let message): message
        }
    }
}
