import GatewayModel
import HTTPTypes
import NIOCore
import NIOHTTP1
import Telemetry

/// Any OpenAI-compatible HTTP API (OpenAI, vLLM, Ollama, LM Studio, ...), through the shared client.
struct OpenAIProvider: Provider {
    let client: UpstreamClient
    let origin: UpstreamOrigin?
    /// The `Host` header and the request path of each endpoint, built once per provider.
    let hostHeader: String
    let chatPath: String
    let embeddingsPath: String
    let authorization: String?
    /// The API key itself, to scrub from error bodies passed on to clients.
    let apiKey: String?
    let connectTimeout: TimeAmount?

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: UpstreamClient, environment: [String: String]) {
        self.client = client
        let parsed = config.baseURL.flatMap { UpstreamOrigin.parse($0, caFile: config.tlsCAFile) }
        self.origin = parsed?.origin
        self.hostHeader = origin?.hostHeader ?? ""
        let path = parsed.map { $0.target.prefix { $0 != "?" } } ?? ""
        let prefix = path.hasSuffix("/") ? String(path.dropLast()) : String(path)
        self.chatPath = prefix + Endpoint.chatCompletions.upstreamPath
        self.embeddingsPath = prefix + Endpoint.embeddings.upstreamPath
        self.authorization = config.apiKeyEnv.flatMap { environment[$0] }.flatMap(Self.authorization(key:))
        self.apiKey = authorization.map { String($0.dropFirst("Bearer ".count)) }
        self.connectTimeout = config.connectTimeoutSeconds.map { .nanoseconds(Int64($0 * 1e9)) }
    }

    /// The `authorization` value for an API key, trimmed of surrounding whitespace (a key file's
    /// final newline); nil for a key with control characters, which no header may carry.
    static func authorization(key: String) -> String? {
        guard let first = key.firstIndex(where: { !$0.isWhitespace }), let last = key.lastIndex(where: { !$0.isWhitespace }) else { return nil }
        let trimmed = key[first...last]
        guard trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        return "Bearer \(trimmed)"
    }

    /// Largest non-streamed response body accepted from a provider.
    static let maxResponseBytes = 64 * 1024 * 1024

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        guard let origin else { throw .unreachable("the provider's baseURL is not an http or https URL") }
        var headers = HTTPHeaders()
        headers.reserveCapacity(9)
        headers.add(name: "host", value: hostHeader)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(request.body.readableBytes))
        headers.add(name: "x-request-id", value: request.requestID.description)
        headers.add(name: "traceparent", value: request.traceparent)
        if let tracestate = request.tracestate { headers.add(name: "tracestate", value: tracestate) }
        if request.stream { headers.add(name: "accept", value: "text/event-stream") }
        if let authorization { headers.add(name: "authorization", value: authorization) }
        let path = request.endpoint == .embeddings ? embeddingsPath : chatPath  // /models is answered by the gateway itself
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        let answer = try await client.send(
            to: origin, head: head, body: request.body, stream: request.stream, maxBytes: Self.maxResponseBytes, connectTimeout: connectTimeout,
            firstByteDeadline: NIODeadline(request.firstByteDeadline), deadline: NIODeadline(request.deadline))
        switch answer {
        case .streaming(let head, let chunks):
            return UpstreamResponse(
                status: HTTPResponse.Status(code: Int(head.status.code)), contentType: head.headers.first(name: "content-type"), body: .stream(chunks))
        case .complete(let head, let body):
            let status = HTTPResponse.Status(code: Int(head.status.code))
            if status.code >= 500 || status.code == 429 {
                throw .status(status, retryAfter: head.headers.first(name: "retry-after").flatMap { Int($0) }.map { max(0, $0) })
            }
            // The provider refused the gateway's credential, not the client's: its body (which may
            // echo the key) is never passed on.
            if status.code == 401 || status.code == 403 { throw .authFailed(status) }
            let passed = status.code >= 400 ? CredentialScrubber.scrub(body, secret: apiKey) : body
            return UpstreamResponse(status: status, contentType: head.headers.first(name: "content-type"), body: .buffer(passed))
        }
    }
}

extension NIODeadline {
    /// The NIO deadline at the same point as a continuous-clock instant.
    init(_ instant: ContinuousClock.Instant) {
        let remaining = ContinuousClock.now.duration(to: instant)
        let (seconds, attoseconds) = remaining.components
        self = .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
