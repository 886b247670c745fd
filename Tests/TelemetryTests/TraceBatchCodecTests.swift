import Telemetry
import Testing

@Suite("The trace batch wire encoding")
struct TraceBatchCodecTests {
    static func batch() -> RingBatch {
        var trace = RequestTrace(traceID: TraceID(high: 7, low: 9), startUnixNanos: 1_800_000_000_123_456_789, operation: "chat")
        trace.sequence = 41
        trace.spanSeed = 0xdead_beef
        trace.parentSpanID = SpanID(0x00f0_67aa_0ba9_02b7)
        trace.durationNanos = 12_345
        trace.timeToFirstTokenNanos = 999
        trace.upstreamNanos = 777
        trace.status = 503
        trace.reason = "upstream_timeout"
        trace.keyID = "ci"
        trace.projectID = "chätbot"
        trace.requestedModel = "gpt-4o-mini"
        trace.routedModel = "gpt-4o-mini-2024"
        trace.provider = "openai"
        trace.inputTokens = 4_000_000_000
        trace.cachedInputTokens = 3
        trace.outputTokens = 5
        trace.attempts = 3
        trace.streamed = true
        trace.append(GateSpan(gate: "payload", decision: .pass, startOffsetNanos: 10, durationNanos: 20))
        trace.append(GateSpan(gate: "upstream", decision: .error, reason: "upstream_timeout", startOffsetNanos: 30, durationNanos: 40))
        trace.append(GuardrailFinding(direction: .input, check: .pii, action: .redact, type: "email", message: 3, count: 2))
        trace.append(GuardrailFinding(direction: .output, check: .secrets, action: .block, type: "jwt", message: 0))
        let empty = RequestTrace(traceID: TraceID(high: 0, low: 1), startUnixNanos: 0, operation: "")
        return RingBatch(traces: [trace, empty], dropped: 5, nextCursor: 43, written: 50, capacity: 1024)
    }

    @Test("a batch survives the round trip field for field")
    func roundTrip() throws {
        let original = Self.batch()
        let decoded = try TraceBatchCodec.decode(TraceBatchCodec.encode(original))
        #expect(decoded.traces[0].findings == original.traces[0].findings && decoded.traces[0].findingCount == 2)
        #expect(decoded.traces[0].findings.map(\.type) == ["email", "jwt"] && decoded.traces[1].findings.isEmpty)
        #expect(decoded.dropped == 5 && decoded.nextCursor == 43 && decoded.written == 50 && decoded.capacity == 1024)
        #expect(decoded.traces.count == 2)
        let (a, b) = (original.traces[0], decoded.traces[0])
        #expect(a.sequence == b.sequence && a.traceID == b.traceID && a.startUnixNanos == b.startUnixNanos)
        #expect(b.spanSeed == 0xdead_beef && b.parentSpanID == SpanID(0x00f0_67aa_0ba9_02b7) && b.rootSpanID == a.rootSpanID)
        #expect(decoded.traces[1].parentSpanID == nil && decoded.traces[1].spanSeed == 1)
        #expect(a.durationNanos == b.durationNanos && a.timeToFirstTokenNanos == b.timeToFirstTokenNanos && a.upstreamNanos == b.upstreamNanos)
        #expect(a.status == b.status && a.reason == b.reason && a.keyID == b.keyID && a.projectID == b.projectID)
        #expect(a.requestedModel == b.requestedModel && a.routedModel == b.routedModel && a.provider == b.provider)
        #expect(a.inputTokens == b.inputTokens && a.cachedInputTokens == b.cachedInputTokens && a.outputTokens == b.outputTokens)
        #expect(a.attempts == b.attempts && a.streamed == b.streamed && a.operation == b.operation)
        #expect(a.gates == b.gates)
        #expect(decoded.traces[1].gateCount == 0)
    }

    @Test("every truncation and foreign bytes are errors")
    func malformed() {
        let bytes = TraceBatchCodec.encode(Self.batch())
        for length in stride(from: 0, to: bytes.count, by: 3) {
            #expect(throws: TraceBatchDecodingError.self) { try TraceBatchCodec.decode(Array(bytes[..<length])) }
        }
        #expect(throws: TraceBatchDecodingError.self) { try TraceBatchCodec.decode(bytes + [0]) }
        #expect(throws: TraceBatchDecodingError.self) { try TraceBatchCodec.decode(Array("HTTP/1.1 200 OK".utf8)) }
        var huge = Array(bytes[..<36])
        huge += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: TraceBatchDecodingError.self) { try TraceBatchCodec.decode(huge) }
    }
}

@Suite("Guardrail findings in a trace")
struct GuardrailFindingTests {
    @Test("findings of one kind in one message merge and saturate; past eight kinds they are dropped, never a trap")
    func merging() {
        var trace = RequestTrace(traceID: TraceID(high: 1, low: 1), startUnixNanos: 0, operation: "chat")
        for _ in 0..<3 { trace.append(GuardrailFinding(direction: .input, check: .pii, action: .monitor, type: "email", message: 1, count: 30_000)) }
        #expect(trace.findings.map(\.count) == [UInt16.max])
        for message in 0..<20 { trace.append(GuardrailFinding(direction: .input, check: .pii, action: .monitor, type: "phone", message: message)) }
        #expect(trace.findingCount == RequestTrace.maxFindings)
        #expect(GuardrailFinding(direction: .input, check: .pii, action: .block, type: "not-a-type", message: 99_999).type == "other")
        #expect(GuardrailFinding(direction: .input, check: .pii, action: .block, type: "iban", message: 99_999).message == UInt16.max)
    }

    @Test("a packed finding with a field out of range does not decode")
    func packing() {
        let finding = GuardrailFinding(direction: .output, check: .denyPhrases, action: .redact, type: "deny_phrase", message: 7, count: 9)
        #expect(GuardrailFinding(packed: finding.packed) == finding)
        #expect(GuardrailFinding(packed: finding.packed | 0xFF) == nil)
        #expect(GuardrailFinding(packed: finding.packed | 0xFF << 24)?.type == "other")
    }
}
