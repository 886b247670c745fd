/// The OpenAI API operations the data plane serves.
enum Endpoint: String, Sendable {
    case chatCompletions = "/chat/completions"
    case embeddings = "/embeddings"
    case models = "/models"

    /// The path appended to a provider's base URL.
    var upstreamPath: String { rawValue }
}
