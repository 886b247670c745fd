import HTTPTypes
import NIOCore
import Telemetry

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
    /// The W3C `traceparent` naming the gateway's span of the exchange as the provider's parent.
    var traceparent: TraceParent
    /// The caller's `tracestate`, passed on.
    var tracestate: String?
    /// Headers of the client's own request that a provider of the same API reads
    /// (`anthropic-version` and `anthropic-beta` from `/v1/messages`).
    var clientHeaders: [(String, String)] = []
    /// When the response head must have arrived.
    var firstByteDeadline: NIODeadline
    /// When the whole attempt must be over.
    var deadline: NIODeadline
}
