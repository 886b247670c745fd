import GatewayModel
import WireJSON

/// The OpenAI API operations the data plane serves.
enum Endpoint: String, Sendable {
    case chatCompletions = "/chat/completions"
    /// The Anthropic Messages API's front door.
    case messages = "/messages"
    case embeddings = "/embeddings"
    case models = "/models"
    case mcp = "/mcp"

    /// The path appended to a provider's base URL.
    var upstreamPath: String { rawValue }

    /// The key scope that allows calling this endpoint.
    var scope: KeyScope {
        switch self {
        case .chatCompletions, .messages: .chat
        case .embeddings: .embeddings
        case .models: .models
        case .mcp: .mcp
        }
    }

    /// The operation name in telemetry: the scope's name (`chat` for both front doors).
    var operation: String { scope.rawValue }

    /// The request body's shape.
    var shape: RequestFields.Shape {
        switch self {
        case .embeddings: .embeddings
        case .messages: .messages
        case .chatCompletions, .models, .mcp: .chat
        }
    }

    /// Whether requests and answers are in the Anthropic Messages shape (else the OpenAI one).
    var speaksMessages: Bool { self == .messages }
}
