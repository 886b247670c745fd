/// A ``RequestTrace`` as the ring stores it: fixed-size, with no reference to count, its strings
/// as ids of the ring's intern tables and its durations in four bytes each (``CompactDuration``).
/// 248 bytes, against 752 for the trace itself plus its strings.
struct CompactTrace {
    /// One gate span: offsets in four bytes each, the gate's and reason's label ids, the decision
    /// in the reason id's top two bits.
    struct Gate {
        var start: CompactDuration
        var duration: CompactDuration
        var gate: UInt16
        var reasonAndDecision: UInt16
    }

    /// One guardrail finding in six bytes.
    struct Finding {
        /// Direction, check and action in the low byte; the type index above.
        var kind: UInt16
        var message: UInt16
        var count: UInt16
    }

    /// Ids of labels (operation, gate ids, reasons) fit fourteen bits, beside a two-bit decision.
    static let labelLimit = (1 << 14) - 1
    private static let labelMask = UInt16(labelLimit)

    private var traceHigh: UInt64
    private var traceLow: UInt64
    private var spanSeed: UInt64
    private var parentSpanID: UInt64
    private var startUnixNanos: UInt64
    private var costMicroUSD: Int64
    private var duration: CompactDuration
    private var timeToFirstToken: CompactDuration
    private var upstream: CompactDuration
    private var inputTokens: UInt32
    private var cachedInputTokens: UInt32
    private var outputTokens: UInt32
    private var keyID: UInt32
    private var projectID: UInt32
    private var requestedModel: UInt32
    private var routedModel: UInt32
    private var provider: UInt32
    private var gates: InlineArray<8, Gate>
    private var operation: UInt16
    private var reason: UInt16
    private var status: UInt16
    private var findings: InlineArray<8, Finding>
    private var attempts: UInt8
    private var flags: UInt8
    private var costFlags: UInt8
    private var gateCount: UInt8
    private var findingCount: UInt8

    private static let streamedFlag: UInt8 = 1
    private static let parentFlag: UInt8 = 2

    private static let zero = CompactDuration(nanoseconds: 0)

    /// An empty slot: holds no string.
    static let empty = CompactTrace()

    private init() {
        (traceHigh, traceLow, spanSeed, parentSpanID, startUnixNanos, costMicroUSD) = (0, 0, 0, 0, 0, 0)
        (duration, timeToFirstToken, upstream) = (Self.zero, Self.zero, Self.zero)
        (inputTokens, cachedInputTokens, outputTokens, keyID, projectID, requestedModel, routedModel, provider) = (0, 0, 0, 0, 0, 0, 0, 0)
        gates = InlineArray(repeating: Gate(start: Self.zero, duration: Self.zero, gate: 0, reasonAndDecision: 0))
        (operation, reason, status) = (0, 0, 0)
        findings = InlineArray(repeating: Finding(kind: 0, message: 0, count: 0))
        (attempts, flags, costFlags, gateCount, findingCount) = (0, 0, 0, 0, 0)
    }

    /// `trace` compacted, its strings counted in `labels` (operation, gates, reasons) and `texts`.
    /// Consecutive traces mostly name the same strings: those of `previous` are tried first.
    init(_ trace: RequestTrace, previous: borrowing CompactTrace, labels: inout InternTable, texts: inout InternTable) {
        traceHigh = trace.traceID.high
        traceLow = trace.traceID.low
        spanSeed = trace.spanSeed
        parentSpanID = trace.parentSpanID?.value ?? 0
        startUnixNanos = trace.startUnixNanos
        costMicroUSD = trace.costMicroUSD
        duration = CompactDuration(nanoseconds: trace.durationNanos)
        timeToFirstToken = CompactDuration(nanoseconds: trace.timeToFirstTokenNanos)
        upstream = CompactDuration(nanoseconds: trace.upstreamNanos)
        inputTokens = trace.inputTokens
        cachedInputTokens = trace.cachedInputTokens
        outputTokens = trace.outputTokens
        keyID = texts.retain(trace.keyID, hint: previous.keyID)
        projectID = texts.retain(trace.projectID, hint: previous.projectID)
        requestedModel = texts.retain(trace.requestedModel, hint: previous.requestedModel)
        routedModel = texts.retain(trace.routedModel, hint: previous.routedModel)
        provider = texts.retain(trace.provider, hint: previous.provider)
        gates = InlineArray(repeating: Gate(start: Self.zero, duration: Self.zero, gate: 0, reasonAndDecision: 0))
        for index in 0..<trace.gateCount {
            let span = trace.gate(at: index)
            gates[index] = Gate(
                start: CompactDuration(nanoseconds: span.startOffsetNanos), duration: CompactDuration(nanoseconds: span.durationNanos),
                gate: UInt16(labels.retain(span.gate, hint: UInt32(previous.gates[index].gate))),
                reasonAndDecision: UInt16(labels.retain(span.reason, hint: UInt32(previous.gates[index].reasonAndDecision & Self.labelMask)))
                    | UInt16(span.decision.rawValue) << 14)
        }
        operation = UInt16(labels.retain(trace.operation, hint: UInt32(previous.operation)))
        reason = UInt16(labels.retain(trace.reason, hint: UInt32(previous.reason)))
        status = trace.status
        findings = InlineArray(repeating: Finding(kind: 0, message: 0, count: 0))
        for index in 0..<trace.findingCount {
            let finding = trace.finding(at: index)
            findings[index] = Finding(
                kind: UInt16(finding.direction.rawValue) | UInt16(finding.check.rawValue) << 1 | UInt16(finding.action.rawValue) << 3
                    | UInt16(finding.typeIndex) << 8,
                message: finding.message, count: finding.count)
        }
        attempts = trace.attempts
        flags = (trace.streamed ? Self.streamedFlag : 0) | (trace.parentSpanID == nil ? 0 : Self.parentFlag)
        costFlags = trace.costFlags.rawValue
        gateCount = UInt8(trace.gateCount)
        findingCount = UInt8(trace.findingCount)
    }

    /// Counts this trace's strings out of the tables it was counted in.
    func release(labels: inout InternTable, texts: inout InternTable) {
        texts.release(keyID)
        texts.release(projectID)
        texts.release(requestedModel)
        texts.release(routedModel)
        texts.release(provider)
        for index in 0..<Int(gateCount) {
            labels.release(UInt32(gates[index].gate))
            labels.release(UInt32(gates[index].reasonAndDecision & Self.labelMask))
        }
        labels.release(UInt32(operation))
        labels.release(UInt32(reason))
    }

    /// The trace again, numbered `sequence`, its strings read from the tables.
    func trace(sequence: UInt64, labels: InternTable, texts: InternTable) -> RequestTrace {
        var trace = RequestTrace(
            traceID: TraceID(high: traceHigh, low: traceLow), startUnixNanos: startUnixNanos, operation: labels.string(UInt32(operation)))
        trace.sequence = sequence
        trace.spanSeed = spanSeed
        trace.parentSpanID = flags & Self.parentFlag == 0 ? nil : SpanID(parentSpanID)
        trace.durationNanos = duration.nanoseconds
        trace.timeToFirstTokenNanos = timeToFirstToken.nanoseconds
        trace.upstreamNanos = upstream.nanoseconds
        trace.costMicroUSD = costMicroUSD
        trace.status = status
        trace.reason = labels.string(UInt32(reason))
        trace.keyID = texts.string(keyID)
        trace.projectID = texts.string(projectID)
        trace.requestedModel = texts.string(requestedModel)
        trace.routedModel = texts.string(routedModel)
        trace.provider = texts.string(provider)
        trace.inputTokens = inputTokens
        trace.cachedInputTokens = cachedInputTokens
        trace.outputTokens = outputTokens
        trace.attempts = attempts
        trace.streamed = flags & Self.streamedFlag != 0
        trace.costFlags = CostFlags(rawValue: costFlags)
        for index in 0..<Int(gateCount) {
            let gate = gates[index]
            trace.append(
                GateSpan(
                    gate: labels.string(UInt32(gate.gate)), decision: Decision(rawValue: UInt8(gate.reasonAndDecision >> 14)) ?? .error,
                    reason: labels.string(UInt32(gate.reasonAndDecision & Self.labelMask)), startOffsetNanos: gate.start.nanoseconds,
                    durationNanos: gate.duration.nanoseconds))
        }
        for index in 0..<Int(findingCount) {
            let finding = findings[index]
            let packed =
                UInt64(finding.kind & 1) | UInt64(finding.kind >> 1 & 3) << 8 | UInt64(finding.kind >> 3 & 3) << 16 | UInt64(finding.kind >> 8) << 24
                | UInt64(finding.message) << 32 | UInt64(finding.count) << 48
            if let finding = GuardrailFinding(packed: packed) { trace.append(finding) }
        }
        return trace
    }
}
