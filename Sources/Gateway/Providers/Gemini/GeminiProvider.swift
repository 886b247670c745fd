import GatewayModel

/// Google's Gemini API (`generateContent`, `streamGenerateContent?alt=sse`, `x-goog-api-key`):
/// chat requests translated to Gemini and the answers back; `/v1/messages` requests through
/// the chat shape both ways.
struct GeminiProvider: Provider {
    let http: ProviderHTTP
    /// The `x-goog-api-key` header, when the provider has a key.
    let credentials: [(String, String)]

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: UpstreamClient, environment: [String: String]) {
        self.http = ProviderHTTP(config: config, client: client, environment: environment)
        self.credentials = http.apiKey.map { [("x-goog-api-key", $0)] } ?? []
    }

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        switch request.endpoint {
        case .messages:
            return try await MessagesBridge.send(request) { chat throws(UpstreamFailure) in try await sendChat(chat) }
        case .chatCompletions, .models, .mcp:
            return try await sendChat(request)
        case .embeddings:
            return .untranslatable(TranslationError("Embeddings through a gemini provider are not supported yet; route this model to an OpenAI-compatible endpoint.", param: "model"), messages: false)
        }
    }

    /// Sends a chat request (OpenAI shape) and answers in the OpenAI shape.
    private func sendChat(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        let model: String
        let body: JSONBody.Object
        do throws(TranslationError) {
            (model, body) = try GeminiRequest.fromChat(try JSONBody.request(request.body))
        } catch {
            return .untranslatable(error, messages: false)
        }
        let method = request.stream ? ":streamGenerateContent?alt=sse" : ":generateContent"
        let path = http.path("/models/" + Self.pathSegment(model) + method)
        let response = try await http.post(path, body: JSONBody.buffer(body), extra: credentials, for: request)
        return try response.translated(
            whole: { GeminiResponse.toChat($0, model: model) }, error: GeminiResponse.errorToOpenAI, stream: { GeminiStreamToChat(model: model) })
    }

    /// `model` as one path segment: unreserved characters kept, every other byte percent-encoded.
    static func pathSegment(_ model: String) -> String {
        var out = ""
        for byte in model.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
