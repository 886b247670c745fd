/// The telemetry of one request: its root span with the request's attributes, and the spans of
/// the gates it passed through, inline in one fixed-size value so that recording it allocates nothing.
///
/// The data plane does not know orgs: a trace names its project, and the collector maps it to an org.
/// Prompt and completion text never enter a trace.
public struct RequestTrace: Sendable {
    /// Most gate spans a trace holds.
    public static let maxGates = 8
    /// Most guardrail findings a trace holds (by direction, check, type, action and message).
    public static let maxFindings = 8
    /// Most bytes of a text a client chose (the requested model) that a trace keeps: the ring
    /// holds many traces, so no request may make one large.
    public static let maxClientTextBytes = 256

    /// `text` cut to at most ``maxClientTextBytes`` bytes, at a Unicode scalar boundary.
    public static func clipped(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxClientTextBytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: maxClientTextBytes)
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }  // not inside a scalar
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    /// Position in the ring, assigned on append.
    public var sequence: UInt64 = 0
    /// Trace id; its hex is the request id. The caller's trace id when it sent a W3C `traceparent`.
    public var traceID: TraceID
    /// Seed of this request's span ids: the trace id's low half, or a fresh value when the trace id
    /// came from the caller (whose other requests share it).
    public var spanSeed: UInt64
    /// The caller's span this request's root span is a child of (from `traceparent`); nil when none.
    public var parentSpanID: SpanID?
    /// Wall-clock start, nanoseconds since the Unix epoch.
    public var startUnixNanos: UInt64
    /// Time from arrival to the end of the response.
    public var durationNanos: UInt64 = 0
    /// Time from arrival to the provider's first byte; 0 when the request never reached one.
    public var timeToFirstTokenNanos: UInt64 = 0
    /// Time spent in upstream attempts until the response head.
    public var upstreamNanos: UInt64 = 0
    /// What the request cost, in micro-USD (rounded up).
    public var costMicroUSD: Int64 = 0
    /// Final HTTP status.
    public var status: UInt16 = 0
    /// The operation: `chat`, `embeddings` or `models`.
    public var operation: String
    /// Machine-readable reason when the request was stopped or failed; empty when served.
    public var reason: String = ""
    /// The caller's key id (never the secret); empty before `key-auth`.
    public var keyID: String = ""
    /// The caller's project; empty before `key-auth`.
    public var projectID: String = ""
    /// The model the client asked for.
    public var requestedModel: String = ""
    /// The model sent upstream.
    public var routedModel: String = ""
    /// The provider that answered.
    public var provider: String = ""
    /// Prompt tokens (cached included).
    public var inputTokens: UInt32 = 0
    /// Prompt tokens served from the provider's cache.
    public var cachedInputTokens: UInt32 = 0
    /// Completion tokens.
    public var outputTokens: UInt32 = 0
    /// Upstream attempts, retries and fallbacks included.
    public var attempts: UInt8 = 0
    /// Whether the answer was streamed.
    public var streamed = false
    /// How ``costMicroUSD`` was arrived at.
    public var costFlags: CostFlags = []
    /// Each slot made in place: copying one empty span into every slot would count its strings eight times.
    private var gateSlots = InlineArray<8, GateSpan> { _ in GateSpan(gate: "", decision: .pass, startOffsetNanos: 0, durationNanos: 0) }
    /// Number of gate spans recorded.
    public private(set) var gateCount = 0
    private var findingSlots = InlineArray<8, GuardrailFinding>(repeating: .empty)
    /// Number of guardrail findings recorded.
    public private(set) var findingCount = 0

    /// Starts a trace.
    public init(traceID: TraceID, startUnixNanos: UInt64, operation: String) {
        self.traceID = traceID
        self.spanSeed = traceID.low
        self.startUnixNanos = startUnixNanos
        self.operation = operation
    }

    /// Adds a gate span; spans past ``maxGates`` are ignored.
    public mutating func append(_ span: consuming GateSpan) {
        guard gateCount < Self.maxGates else { return }
        gateSlots[gateCount] = span
        gateCount += 1
    }

    /// Adds a guardrail finding, merged into one already held for the same direction, check, type,
    /// action and message; findings past ``maxFindings`` are ignored.
    public mutating func append(_ finding: GuardrailFinding) {
        for index in 0..<findingCount {
            var held = findingSlots[index]
            if held.direction == finding.direction, held.check == finding.check, held.typeIndex == finding.typeIndex, held.action == finding.action,
                held.message == finding.message
            {
                held.count = held.count.addingReportingOverflow(finding.count).overflow ? .max : held.count + finding.count
                findingSlots[index] = held
                return
            }
        }
        guard findingCount < Self.maxFindings else { return }
        findingSlots[findingCount] = finding
        findingCount += 1
    }

    /// The guardrail findings in the order they were made.
    public var findings: [GuardrailFinding] { (0..<findingCount).map { findingSlots[$0] } }

    /// The finding at `index` (below ``findingCount``), without building an array.
    public func finding(at index: Int) -> GuardrailFinding { findingSlots[index] }

    /// The gate spans in evaluation order.
    public var gates: [GateSpan] { (0..<gateCount).map { gateSlots[$0] } }

    /// The gate span at `index` (below ``gateCount``), without building an array.
    public func gate(at index: Int) -> GateSpan { gateSlots[index] }

    /// The gate spans of the trace at `trace`, in evaluation order, read where they lie: neither the
    /// trace nor a span is copied and no string is retained, where ``gate(at:)`` copies all eight
    /// slots to return one. Valid while the trace is neither changed nor gone.
    public static func gateSpans(of trace: UnsafePointer<RequestTrace>) -> UnsafeBufferPointer<GateSpan> {
        // A stored property's offset is a constant; an inline array's elements lie one stride apart.
        let slots = UnsafeRawPointer(trace) + MemoryLayout<RequestTrace>.offset(of: \.gateSlots)!
        return UnsafeBufferPointer(start: slots.assumingMemoryBound(to: GateSpan.self), count: trace.pointee.gateCount)
    }

    /// The gate that decided the request: the one that stopped it, or the last one passed.
    public var decidingGate: GateSpan? { gateCount == 0 ? nil : gateSlots[gateCount - 1] }

    /// The root span's id, derived from ``spanSeed``.
    public var rootSpanID: SpanID { SpanID(IDSource.mix(spanSeed ^ 0x5bd1_e995)) }

    /// The id of the span of the gate at `index`, derived from ``spanSeed``.
    public func gateSpanID(at index: Int) -> SpanID { SpanID(IDSource.mix(spanSeed &+ UInt64(index + 1))) }

    /// The id of the span of the exchange with the provider (sent upstream in `traceparent`).
    public var upstreamSpanID: SpanID { SpanID(IDSource.mix(spanSeed ^ 0x27d4_eb2f_1656_67c5)) }
}
