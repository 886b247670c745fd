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
    fileprivate static let labelMask = UInt16(labelLimit)

    fileprivate var traceHigh: UInt64
    fileprivate var traceLow: UInt64
    fileprivate var spanSeed: UInt64
    fileprivate var parentSpanID: UInt64
    fileprivate var startUnixNanos: UInt64
    fileprivate var costMicroUSD: Int64
    fileprivate var duration: CompactDuration
    fileprivate var timeToFirstToken: CompactDuration
    fileprivate var upstream: CompactDuration
    fileprivate var inputTokens: UInt32
    fileprivate var cachedInputTokens: UInt32
    fileprivate var outputTokens: UInt32
    fileprivate var keyID: UInt32
    fileprivate var projectID: UInt32
    fileprivate var requestedModel: UInt32
    fileprivate var routedModel: UInt32
    fileprivate var provider: UInt32
    fileprivate var gates: InlineArray<8, Gate>
    fileprivate var operation: UInt16
    fileprivate var reason: UInt16
    fileprivate var status: UInt16
    fileprivate var findings: InlineArray<8, Finding>
    fileprivate var attempts: UInt8
    fileprivate var flags: UInt8
    fileprivate var costFlags: UInt8
    fileprivate var gateCount: UInt8
    fileprivate var findingCount: UInt8

    fileprivate static let streamedFlag: UInt8 = 1
    fileprivate static let parentFlag: UInt8 = 2

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

    /// `trace`, numbered `sequence` in a ring of `capacity` slots, compacted: its
    /// strings named in `labels` (operation, gates, reasons) and `texts`. Consecutive traces mostly
    /// name the same strings: those of `previous` are tried first.
    init(
        _ trace: borrowing RequestTrace, sequence: UInt64, capacity: Int, previous: UnsafePointer<CompactTrace>, labels: inout InternTable,
        texts: inout InternTable
    ) {
        func text(_ string: String, _ hint: UInt32) -> UInt32 { texts.id(of: string, hint: hint, sequence: sequence, capacity: capacity) }
        func label(_ string: String, _ hint: UInt16) -> UInt16 {
            UInt16(labels.id(of: string, hint: UInt32(hint & Self.labelMask), sequence: sequence, capacity: capacity))
        }
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
        keyID = text(trace.keyID, previous.pointee.keyID)
        projectID = text(trace.projectID, previous.pointee.projectID)
        requestedModel = text(trace.requestedModel, previous.pointee.requestedModel)
        routedModel = text(trace.routedModel, previous.pointee.routedModel)
        provider = text(trace.provider, previous.pointee.provider)
        gates = InlineArray(repeating: Gate(start: Self.zero, duration: Self.zero, gate: 0, reasonAndDecision: 0))
        for index in 0..<trace.gateCount {
            let span = trace.gate(at: index)
            let hint = previous.pointee.gates[index]
            gates[index] = Gate(
                start: CompactDuration(nanoseconds: span.startOffsetNanos), duration: CompactDuration(nanoseconds: span.durationNanos),
                gate: label(span.gate, hint.gate), reasonAndDecision: label(span.reason, hint.reasonAndDecision) | UInt16(span.decision.rawValue) << 14)
        }
        operation = label(trace.operation, previous.pointee.operation)
        reason = label(trace.reason, previous.pointee.reason)
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
}

extension [RequestTrace] {
    /// Appends `compact` again, numbered `sequence`, its strings read from the tables. Filled in
    /// the array's own storage: a trace built apart and then moved in is copied on the way,
    /// retaining each of its strings once more.
    mutating func append(_ compact: borrowing CompactTrace, sequence: UInt64, labels: borrowing InternMirror, texts: borrowing InternMirror) {
        append(
            RequestTrace(
                traceID: TraceID(high: compact.traceHigh, low: compact.traceLow), startUnixNanos: compact.startUnixNanos,
                operation: labels.string(UInt32(compact.operation))))
        self[count - 1].fill(from: compact, sequence: sequence, labels: labels, texts: texts)
    }
}

extension RequestTrace {
    /// Sets every field but the trace id, start and operation from `compact`.
    fileprivate mutating func fill(from compact: borrowing CompactTrace, sequence: UInt64, labels: borrowing InternMirror, texts: borrowing InternMirror) {
        self.sequence = sequence
        self.spanSeed = compact.spanSeed
        self.parentSpanID = compact.flags & CompactTrace.parentFlag == 0 ? nil : SpanID(compact.parentSpanID)
        self.durationNanos = compact.duration.nanoseconds
        self.timeToFirstTokenNanos = compact.timeToFirstToken.nanoseconds
        self.upstreamNanos = compact.upstream.nanoseconds
        self.costMicroUSD = compact.costMicroUSD
        self.status = compact.status
        // A string of id 0 is the empty string each field starts as.
        if compact.reason != 0 { self.reason = labels.string(UInt32(compact.reason)) }
        if compact.keyID != 0 { self.keyID = texts.string(compact.keyID) }
        if compact.projectID != 0 { self.projectID = texts.string(compact.projectID) }
        if compact.requestedModel != 0 { self.requestedModel = texts.string(compact.requestedModel) }
        if compact.routedModel != 0 { self.routedModel = texts.string(compact.routedModel) }
        if compact.provider != 0 { self.provider = texts.string(compact.provider) }
        self.inputTokens = compact.inputTokens
        self.cachedInputTokens = compact.cachedInputTokens
        self.outputTokens = compact.outputTokens
        self.attempts = compact.attempts
        self.streamed = compact.flags & CompactTrace.streamedFlag != 0
        self.costFlags = CostFlags(rawValue: compact.costFlags)
        for index in 0..<Int(compact.gateCount) {
            let gate = compact.gates[index]
            let reason = UInt32(gate.reasonAndDecision & CompactTrace.labelMask)
            append(
                GateSpan(
                    gate: labels.string(UInt32(gate.gate)), decision: Decision(rawValue: UInt8(gate.reasonAndDecision >> 14)) ?? .error,
                    reason: reason == 0 ? "" : labels.string(reason), startOffsetNanos: gate.start.nanoseconds,
                    durationNanos: gate.duration.nanoseconds))
        }
        for index in 0..<Int(compact.findingCount) {
            let finding = compact.findings[index]
            let packed =
                UInt64(finding.kind & 1) | UInt64(finding.kind >> 1 & 3) << 8 | UInt64(finding.kind >> 3 & 3) << 16 | UInt64(finding.kind >> 8) << 24
                | UInt64(finding.message) << 32 | UInt64(finding.count) << 48
            if let finding = GuardrailFinding(packed: packed) { append(finding) }
        }
    }
}
