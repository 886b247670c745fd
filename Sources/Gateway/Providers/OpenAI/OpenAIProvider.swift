import GatewayModel
import NIOCore

/// Any OpenAI-compatible HTTP API (OpenAI, vLLM, Ollama, LM Studio, ...), through the shared
/// client. Requests of the `/v1/messages` front door are translated to chat requests and back.
struct OpenAIProvider: Provider {
    let http: ProviderHTTP
    /// The request path of each endpoint, built once per provider.
    let chatPath: String
    let embeddingsPath: String
    /// The `authorization` header, when the provider has a key.
    let credentials: [(String, String)]

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: UpstreamClient, environment: [String: String]) {
        self.http = ProviderHTTP(config: config, client: client, environment: environment)
        self.chatPath = http.path(Endpoint.chatCompletions.upstreamPath)
        self.embeddingsPath = http.path(Endpoint.embeddings.upstreamPath)
        self.credentials = http.apiKey.map { [("authorization", "Bearer \($0)")] } ?? []
    }

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        switch request.endpoint {
        case .messages:
            return try await MessagesBridge.send(request) { chat throws(UpstreamFailure) in
                try await http.post(chatPath, body: chat.body, extra: credentials, for: chat)
            }
        case .embeddings:
            return try await http.post(embeddingsPath, body: request.body, extra: credentials, for: request)
        case .chatCompletions, .models, .mcp:  // /models is answered by the gateway itself, MCP by its forwarder
            return try await http.post(chatPath, body: request.body, extra: credentials, for: request)
        }
    }

    /// Sends a chat or embeddings request without a task; a Messages request, which is
    /// translated, goes through ``send(_:)``.
    func start(_ request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall, reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void) {
        switch request.endpoint {
        case .messages:
            startTask(request, on: loop, call: call, reply: reply)
        case .embeddings:
            http.start(embeddingsPath, body: request.body, extra: credentials, for: request, on: loop, call: call, reply: reply)
        case .chatCompletions, .models, .mcp:
            http.start(chatPath, body: request.body, extra: credentials, for: request, on: loop, call: call, reply: reply)
        }
    }
}
