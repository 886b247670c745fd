import Telemetry

/// What happened to one request, handed to a ``RequestRecorder`` when the response is complete
/// (for a stream: when the last chunk was relayed).
public struct RequestRecord: Sendable {
    /// Request and trace id.
    public var requestID: TraceID
    /// The path served, e.g. `/v1/chat/completions`.
    public var path: String
    /// Final HTTP status.
    public var status: Int
    /// The gate that stopped the request, or nil when it was answered by the provider.
    public var deniedBy: GateID?
    /// Machine-readable reason for a denial or failure.
    public var reason: String?
    /// The key id (never the secret).
    public var keyID: String?
    /// The key's project.
    public var projectID: String?
    /// Model the client asked for.
    public var requestedModel: String?
    /// Model sent upstream.
    public var routedModel: String?
    /// Provider that answered.
    public var provider: String?
    /// Attempts made upstream, retries and fallbacks included.
    public var attempts = 0
    /// Whether the answer was an SSE stream.
    public var streamed = false
    /// Token counts reported by the provider.
    public var usage: TokenUsage?
    /// Time from arrival to the first byte relayed from the provider.
    public var timeToFirstByte: Duration?
    /// Time from arrival to the end of the response.
    public var duration: Duration = .zero
}

/// Receives a record of every finished request.
public protocol RequestRecorder: Sendable {
    /// Called once per request, off the client's critical path where possible; must not block.
    func record(_ record: RequestRecord)
}
