/// The OpenAI API operations the data plane serves.
enum Endpoint: String, Sendable {
    case chatCompletions = "/chat/completions"
    case embeddings = "/embeddings"
    case models = "/models"

    /// The path appended to a provider's base URL.
    var upstreamPath: String { rawValue }

    /// The operation name in telemetry.
    var operation: String {
        switch self {
        case .chatCompletions: "chat"
        case .embeddings: "embeddings"
        case .models: "models"
        }
    }
}
