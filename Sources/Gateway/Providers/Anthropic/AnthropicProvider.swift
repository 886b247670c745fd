import GatewayModel

/// Anthropic's Messages API (`x-api-key`, `anthropic-version`). A `/v1/messages` request passes
/// through as the client sent it (apart from the routed model), with the client's
/// `anthropic-version` and `anthropic-beta`; a chat request is translated to Messages and the
/// answer back to the OpenAI shape.
struct AnthropicProvider: Provider {
    /// The API version sent when the client names none.
    static let apiVersion = "2023-06-01"

    let http: ProviderHTTP
    let messagesPath: String
    /// `max_tokens` for chat requests that set none.
    let defaultMaxTokens: Int
    /// The `x-api-key` header, when the provider has a key.
    let credentials: [(String, String)]

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: UpstreamClient, environment: [String: String]) {
        self.http = ProviderHTTP(config: config, client: client, environment: environment)
        self.messagesPath = http.path(Endpoint.messages.upstreamPath)
        self.defaultMaxTokens = config.defaultMaxTokens ?? ProviderConfig.standardMaxTokens
        self.credentials = http.apiKey.map { [("x-api-key", $0)] } ?? []
    }

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        var headers = credentials
        if !request.clientHeaders.contains(where: { $0.0 == "anthropic-version" }) { headers.append(("anthropic-version", Self.apiVersion)) }
        headers += request.clientHeaders
        switch request.endpoint {
        case .messages:
            return try await http.post(messagesPath, body: request.body, extra: headers, for: request)
        case .chatCompletions, .models, .mcp:
            let body: JSONBody.Object
            do throws(TranslationError) {
                body = try MessagesRequest.fromChat(try JSONBody.request(request.body), defaultMaxTokens: defaultMaxTokens)
            } catch {
                return .untranslatable(error, messages: false)
            }
            let response = try await http.post(messagesPath, body: JSONBody.buffer(body), extra: headers, for: request)
            return try response.translated(whole: MessagesResponse.toChat, error: AnthropicErrorShape.toOpenAI, stream: { MessagesStreamToChat() })
        case .embeddings:
            return .untranslatable(TranslationError("Anthropic has no embeddings API; route this model to a provider that has one.", param: "model"), messages: false)
        }
    }
}
