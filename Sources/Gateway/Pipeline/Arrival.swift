import NIOCore
import Telemetry

/// A request as the listener hands it to the gate chain, before any gate has looked at it.
final class Arrival: Sendable {
    /// The request id, also the trace id: the caller's when it sent a `traceparent`.
    let requestID: TraceID
    /// The caller's trace context, if it sent a well-formed one.
    let caller: CallerTraceContext?
    /// The operation requested.
    let endpoint: Endpoint
    /// The request line and headers.
    let head: RequestHead
    /// The body as the listener collected it, up to just past the size limit.
    let body: ByteBuffer
    /// When the request arrived.
    let started: NIODeadline
    /// The raw request passed the size limit before its body was complete; `body` is cut short.
    let oversized: Bool
    /// The digest of the API key last presented on the request's connection.
    let keyMemo: KeyDigestMemo

    /// The arrival of a request the listener numbered `generatedID`; it joins the caller's trace
    /// when `head` carries a well-formed `traceparent`. `keyMemo` is its connection's.
    init(generatedID: TraceID, endpoint: Endpoint, head: RequestHead, body: ByteBuffer, started: NIODeadline, oversized: Bool, keyMemo: KeyDigestMemo) {
        let caller = CallerTraceContext(head.fields)
        self.requestID = caller?.traceID ?? generatedID
        self.caller = caller
        self.spanSeed = generatedID.low
        self.endpoint = endpoint
        self.head = head
        self.body = body
        self.started = started
        self.oversized = oversized
        self.keyMemo = keyMemo
    }

    /// Seed of the request's span ids: unique to this request even when the trace is the caller's.
    private let spanSeed: UInt64

    /// A new trace of this request, started at `unixNanos`.
    func startTrace(unixNanos: UInt64) -> RequestTrace {
        var trace = RequestTrace(traceID: requestID, startUnixNanos: unixNanos, operation: endpoint.operation)
        trace.spanSeed = spanSeed
        trace.parentSpanID = caller?.parentSpanID
        return trace
    }

    /// The `traceparent` to send upstream for `trace`, and the caller's `tracestate`.
    func upstreamTraceContext(of trace: RequestTrace) -> (parent: TraceParent, state: String?) {
        (CallerTraceContext.upstreamHeader(for: trace, flags: caller?.flags ?? 1), caller?.state)
    }
}
