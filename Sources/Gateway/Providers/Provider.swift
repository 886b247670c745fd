import HTTPTypes
import NIOCore
import Telemetry

/// An upstream that answers OpenAI-style requests.
protocol Provider: Sendable {
    /// Sends one attempt and returns once the response head (and, unless streaming, the body) arrived.
    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse
}

/// One attempt's request to a provider.
struct UpstreamRequest: Sendable {
    /// The operation.
    var endpoint: Endpoint
    /// The body, already carrying the routed model name.
    var body: ByteBuffer
    /// Whether an SSE stream is expected.
    var stream: Bool
    /// Sent upstream as `x-request-id` so provider logs can be correlated.
    var requestID: TraceID
    /// When the response head must have arrived.
    var firstByteDeadline: ContinuousClock.Instant
    /// When the whole attempt must be over.
    var deadline: ContinuousClock.Instant
}

/// A provider's answer.
struct UpstreamResponse: Sendable {
    /// The provider's status code.
    var status: HTTPResponse.Status
    /// The provider's content type.
    var contentType: String?
    /// The body: whole for ordinary responses, a sequence of chunks for a stream.
    var body: UpstreamBody
}

/// A response body from a provider.
enum UpstreamBody: Sendable {
    /// The whole body.
    case buffer(ByteBuffer)
    /// Chunks as they arrive; iterating ends the upstream request when dropped.
    case stream(any AsyncSequence<ByteBuffer, any Error> & Sendable)
}

/// Why an attempt failed before anything reached the client.
enum UpstreamFailure: Error, Sendable {
    /// No connection, or it broke before the answer.
    case unreachable(String)
    /// The first-byte or total deadline passed.
    case timeout
    /// The provider answered with a retryable status (5xx, 429), and maybe a `retry-after` in seconds.
    case status(HTTPResponse.Status, retryAfter: Int? = nil)
    /// The provider refused the gateway's own credential (401 or 403): its `apiKeyEnv` is wrong.
    case authFailed(HTTPResponse.Status)
    /// A success status whose body is not the JSON object the API promises.
    case invalidResponse
    /// The client went away; stop without answering.
    case cancelled

    /// Whether retrying the same target may help (the next target is tried either way).
    var isRetryable: Bool {
        switch self {
        case .unreachable, .status: true
        case .timeout, .cancelled, .authFailed, .invalidResponse: false
        }
    }
}
