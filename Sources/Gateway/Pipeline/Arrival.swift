import HTTPTypes
import NIOCore
import Telemetry

/// A request as the listener hands it to the gate chain, before any gate has looked at it.
struct Arrival: Sendable {
    /// The request id, also the trace id.
    let requestID: TraceID
    /// The operation requested.
    let endpoint: Endpoint
    /// The request line and headers.
    let head: HTTPRequest
    /// The body as the listener collected it, up to just past the size limit.
    let body: ByteBuffer
    /// When the request arrived.
    let started: ContinuousClock.Instant
    /// The raw request passed the size limit before its body was complete; `body` is cut short.
    let oversized: Bool
}
