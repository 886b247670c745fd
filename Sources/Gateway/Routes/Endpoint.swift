import GatewayModel
import WireJSON

/// The OpenAI API operations the data plane serves.
enum Endpoint: String, Sendable {
    case chatCompletions = "/chat/completions"
    case embeddings = "/embeddings"
    case models = "/models"
    case mcp = "/mcp"

    /// The path appended to a provider's base URL.
    var upstreamPath: String { rawValue }

    /// The key scope that allows calling this endpoint.
    var scope: KeyScope {
        switch self {
        case .chatCompletions: .chat
        case .embeddings: .embeddings
        case .models: .models
        case .mcp: .mcp
        }
    }

    /// The operation name in telemetry: the scope's name.
    var operation: String { scope.rawValue }
}
