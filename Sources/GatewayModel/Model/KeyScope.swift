/// An operation an API key may call. A key without scopes may call every operation; a key with
/// scopes is refused (403 `key_scope_missing`) on any other.
public enum KeyScope: String, Sendable, Codable, CaseIterable, Comparable {
    /// `POST /v1/chat/completions` and `POST /v1/messages`.
    case chat
    /// `POST /v1/embeddings`.
    case embeddings
    /// `GET /v1/models`.
    case models
    /// `/mcp/{project}/{server}`.
    case mcp

    /// Orders by the textual form.
    public static func < (lhs: KeyScope, rhs: KeyScope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The scopes as stored: sorted, comma-separated (`chat,models`).
    public static func joined(_ scopes: [KeyScope]) -> String { scopes.map(\.rawValue).joined(separator: ",") }

    /// Scopes from their stored form; nil when any name is unknown.
    public static func parse(_ text: String) -> [KeyScope]? {
        var scopes: [KeyScope] = []
        for name in text.split(separator: ",") {
            guard let scope = KeyScope(rawValue: String(name)) else { return nil }
            scopes.append(scope)
        }
        return normalized(scopes)
    }

    /// Sorted and without repeats, so equal sets compare equal.
    public static func normalized(_ scopes: [KeyScope]) -> [KeyScope] { Array(Set(scopes)).sorted() }
}
