/// Names one object of the model, as the audit log and the file-managed set record it,
/// e.g. `route/chatbot/gpt-4o-mini`.
public enum ObjectRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    case provider(String)
    case org(String)
    case project(String)
    case route(project: String, model: String)
    case key(project: String, id: String)
    case price(String)

    /// A one-line description for logs and messages.
    public var description: String {
        switch self {
        case .provider(let name): "provider/\(name)"
        case .org(let id): "org/\(id)"
        case .project(let id): "project/\(id)"
        case .route(let project, let model): "route/\(project)/\(model)"
        case .key(let project, let id): "key/\(project)/\(id)"
        case .price(let model): "price/\(model)"
        }
    }

    /// Parses the text ``description`` produces.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 2).map(String.init)
        switch (parts.first, parts.count) {
        case ("provider", 2): self = .provider(parts[1])
        case ("org", 2): self = .org(parts[1])
        case ("project", 2): self = .project(parts[1])
        case ("route", 3): self = .route(project: parts[1], model: parts[2])
        case ("key", 3): self = .key(project: parts[1], id: parts[2])
        case ("price", 2...): self = .price(parts.dropFirst().joined(separator: "/"))
        default: return nil
        }
    }

    /// Orders by the textual form.
    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool { lhs.description < rhs.description }
}
