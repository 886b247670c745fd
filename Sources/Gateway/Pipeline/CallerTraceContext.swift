import HTTPTypes
import Telemetry
import W3CTraceContext

/// The W3C trace context a caller sent (`traceparent`, `tracestate`): the request's root span
/// becomes a child of the caller's span, in the caller's trace. A malformed `traceparent` is
/// ignored, never an error; a `tracestate` is kept only beside a valid `traceparent`.
struct CallerTraceContext: Sendable, Equatable {
    /// The caller's trace id, which becomes the request id.
    let traceID: Telemetry.TraceID
    /// The caller's span.
    let parentSpanID: Telemetry.SpanID
    /// The caller's trace flags (bit 0: sampled), passed on upstream.
    let flags: UInt8
    /// The caller's `tracestate`, passed on upstream as received when it is within the spec's limits.
    let state: String?

    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!

    /// The context in `fields`, or nil when there is no single well-formed `traceparent`.
    init?(_ fields: some FieldLookup) {
        // Two `traceparent` fields join into one value that no parser accepts: both are ignored.
        guard let value = fields[Self.traceparent], let context = try? W3CTraceContext.TraceContext(traceParentHeaderValue: value),
            let traceID = Telemetry.TraceID(hex: context.traceID.description),
            let spanID = UInt64(context.spanID.description, radix: 16)
        else { return nil }
        self.traceID = traceID
        self.parentSpanID = Telemetry.SpanID(spanID)
        self.flags = context.flags.rawValue
        let state = fields[Self.tracestate]
        self.state = state.flatMap { $0.utf8.count <= 512 && $0.utf8.allSatisfy { (0x20..<0x7F).contains($0) } ? $0 : nil }
    }

    /// The `traceparent` to send upstream for `trace`: its trace id, the upstream span as the
    /// parent, and the caller's flags (sampled when the request started a trace of its own).
    static func upstreamHeader(for trace: RequestTrace, flags: UInt8) -> TraceParent {
        TraceParent(trace: trace.traceID, parent: trace.upstreamSpanID, flags: flags)
    }
}
