import GatewayModel
import HTTPTypes
import NIOCore
import NIOHTTP1
import Telemetry

/// The HTTP side every remote provider shares: its origin, path prefix and credential, one POST
/// through the shared client, and how a status is read: 5xx (Anthropic's 529 included) and 429
/// are retryable failures, 401 and 403 mean the gateway's own credential was refused, and any
/// other error body is passed on with credentials scrubbed.
struct ProviderHTTP: Sendable {
    let client: UpstreamClient
    let origin: UpstreamOrigin?
    /// The `Host` header, built once per provider.
    let hostHeader: String
    /// The base URL's path, without a trailing slash (`/v1`).
    let pathPrefix: String
    /// The provider's API key as read from `apiKeyEnv`, trimmed; nil when unset or unusable.
    let apiKey: String?
    let connectTimeout: TimeAmount?

    /// Largest non-streamed response body accepted from a provider.
    static let maxResponseBytes = 64 * 1024 * 1024

    /// Binds `config` to `client`, reading the API key from `config.apiKeyEnv` once.
    init(config: ProviderConfig, client: UpstreamClient, environment: [String: String]) {
        self.client = client
        let parsed = config.baseURL.flatMap { UpstreamOrigin.parse($0, caFile: config.tlsCAFile) }
        self.origin = parsed?.origin
        self.hostHeader = origin?.hostHeader ?? ""
        let path = parsed.map { $0.target.prefix { $0 != "?" } } ?? ""
        self.pathPrefix = path.hasSuffix("/") ? String(path.dropLast()) : String(path)
        self.apiKey = config.apiKeyEnv.flatMap { environment[$0] }.flatMap(Self.credential(key:))
        self.connectTimeout = config.connectTimeoutSeconds.map { .nanoseconds(Int64($0 * 1e9)) }
    }

    /// An API key as a header value: trimmed of surrounding whitespace (a key file's final
    /// newline); nil for a key with control characters, which no header may carry.
    static func credential(key: String) -> String? {
        guard let first = key.firstIndex(where: { !$0.isWhitespace }), let last = key.lastIndex(where: { !$0.isWhitespace }) else { return nil }
        let trimmed = key[first...last]
        guard trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        return String(trimmed)
    }

    /// The request path of `suffix` under the base URL's path (`/chat/completions` to `/v1/chat/completions`).
    func path(_ suffix: String) -> String { pathPrefix + suffix }

    /// Sends `body` to `path` (a whole request path) with the request's tracing headers and `extra`.
    /// - Throws: ``UpstreamFailure`` for what the forwarder retries or reports: no connection, a
    ///   timeout, a retryable status, the gateway's credential refused.
    func post(_ path: String, body: ByteBuffer, extra: [(String, String)], for request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        let loop = client.callersLoop
        return try await UpstreamCall.wait(on: loop) { call, reply in
            start(path, body: body, extra: extra, for: request, on: loop, call: call, reply: reply)
        }
    }

    /// Sends as ``post(_:body:extra:for:)`` does, from `loop` (the caller's own), and calls `reply` on it.
    func start(
        _ path: String, body: ByteBuffer, extra: [(String, String)], for request: UpstreamRequest, on loop: any EventLoop, call: UpstreamCall,
        reply: @escaping (Result<UpstreamResponse, UpstreamFailure>) -> Void
    ) {
        guard let origin else { return reply(.failure(.unreachable("the provider's baseURL is not an http or https URL"))) }
        var head = OutgoingHead(post: path, host: hostHeader, bodyBytes: body.readableBytes, requestID: request.requestID, traceparent: request.traceparent)
        if let tracestate = request.tracestate { head.add("tracestate", tracestate) }
        if request.stream { head.add("accept", "text/event-stream") }
        for (name, value) in extra { head.add(name, value) }
        client.start(
            to: origin, request: (consume head).wire(body: body), stream: request.stream, maxBytes: Self.maxResponseBytes, connectTimeout: connectTimeout,
            firstByteDeadline: request.firstByteDeadline, deadline: request.deadline, on: loop, call: call
        ) { [apiKey] answer in
            reply(answer.flatMap { Self.response(to: $0, apiKey: apiKey) })
        }
    }

    /// The response the provider's answer makes, or the failure its status means.
    private static func response(to answer: UpstreamConnection.Answer, apiKey: String?) -> Result<UpstreamResponse, UpstreamFailure> {
        switch answer {
        case .streaming(let head, let chunks):
            return .success(
                UpstreamResponse(status: HTTPResponse.Status(code: Int(head.status.code)), contentType: head.contentType, body: .stream(chunks)))
        case .complete(let head, let body):
            let status = HTTPResponse.Status(code: Int(head.status.code))
            if status.code >= 500 || status.code == 429 {
                return .failure(.status(status, retryAfter: head.first(name: "retry-after").flatMap { Int($0) }.map { max(0, $0) }))
            }
            // The provider refused the gateway's credential, not the client's: its body (which may
            // echo the key) is never passed on.
            if status.code == 401 || status.code == 403 { return .failure(.authFailed(status)) }
            let passed = status.code >= 400 ? CredentialScrubber.scrub(body, secret: apiKey) : body
            return .success(UpstreamResponse(status: status, contentType: head.contentType, body: .buffer(passed)))
        }
    }
}
