/// An upstream LLM provider that routes send requests to.
public struct ProviderConfig: Sendable, Equatable, Codable {
    /// The wire protocol a provider speaks.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Any OpenAI-compatible HTTP API (OpenAI, vLLM, Ollama, ...).
        case openai
        /// Anthropic's Messages API.
        case anthropic
        /// Google's Gemini API (`generateContent`).
        case gemini
        /// The built-in deterministic provider used by the demo configuration and tests.
        case mock

        /// The provider's name in the OpenTelemetry GenAI conventions (`gen_ai.provider.name`).
        public var genAIName: String {
            switch self {
            case .openai: "openai"
            case .anthropic: "anthropic"
            case .gemini: "gcp.gemini"
            case .mock: "mock"
            }
        }

        /// The public API's base URL, used when a provider of this kind sets no `baseURL`.
        public var defaultBaseURL: String? {
            switch self {
            case .anthropic: "https://api.anthropic.com/v1"
            case .gemini: "https://generativelanguage.googleapis.com/v1beta"
            case .openai, .mock: nil
            }
        }
    }

    /// `max_tokens` sent to a provider that requires it (Anthropic) when the request sets none.
    public static let standardMaxTokens = 4096

    /// Unique provider name that route targets refer to.
    public var name: String
    /// Protocol spoken upstream.
    public var kind: Kind
    /// Base URL including the API version path, e.g. `https://api.openai.com/v1`; nil for `mock`.
    public var baseURL: String?
    /// Name of the environment variable holding the provider's API key; the key itself never appears in configuration.
    public var apiKeyEnv: String?
    /// Total time allowed for one upstream attempt, including a streamed body.
    public var timeoutSeconds: Double
    /// Time allowed until the provider's response head arrives; defaults to ``timeoutSeconds``.
    public var firstByteTimeoutSeconds: Double
    /// Extra attempts on the same target after a connect error, a 5xx or a 429.
    public var maxRetries: Int
    /// Base of the jittered exponential backoff between retries.
    public var retryBackoffMilliseconds: Int
    /// For `mock`: delay before the answer starts and between streamed chunks.
    public var latencyMilliseconds: Int
    /// Time allowed to open a connection; nil for `gateway.upstreamConnectTimeoutSeconds`.
    public var connectTimeoutSeconds: Double?
    /// A PEM file of CA certificates trusted for this provider's `https` URL, besides the
    /// system's roots: for self-hosted providers behind an internal CA. Read by each gateway.
    public var tlsCAFile: String?
    /// For `anthropic`: `max_tokens` sent when an OpenAI request sets none; nil for ``standardMaxTokens``.
    public var defaultMaxTokens: Int?

    /// Creates a provider.
    public init(
        name: String,
        kind: Kind,
        baseURL: String? = nil,
        apiKeyEnv: String? = nil,
        timeoutSeconds: Double = 60,
        firstByteTimeoutSeconds: Double? = nil,
        maxRetries: Int = 2,
        retryBackoffMilliseconds: Int = 100,
        latencyMilliseconds: Int = 0,
        connectTimeoutSeconds: Double? = nil,
        tlsCAFile: String? = nil,
        defaultMaxTokens: Int? = nil
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.timeoutSeconds = timeoutSeconds
        self.firstByteTimeoutSeconds = firstByteTimeoutSeconds ?? timeoutSeconds
        self.maxRetries = maxRetries
        self.retryBackoffMilliseconds = retryBackoffMilliseconds
        self.latencyMilliseconds = latencyMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.tlsCAFile = tlsCAFile
        self.defaultMaxTokens = defaultMaxTokens
    }
}
