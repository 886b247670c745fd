/// The compact binary form of a ring batch that a gateway serves to remote collectors.
///
/// Little-endian throughout: a header (`GWT5`, written, dropped, next cursor, capacity, the
/// connection counters, count), then each trace as fixed-width numbers, length-prefixed UTF-8 strings, its gate spans and its guardrail findings (one number each). Decoding checks
/// every length, so a truncated or foreign body is an error, never a crash.
public enum TraceBatchCodec {
    /// The media type of an encoded batch.
    public static let contentType = "application/x-gateway-traces"
    private static let magic: [UInt8] = Array("GWT5".utf8)
    /// The previous version, without span seed and parent span, still read from older gateways.
    private static let magicWithoutParent: [UInt8] = Array("GWT4".utf8)
    /// The version before, without guardrail findings.
    private static let magicWithoutFindings: [UInt8] = Array("GWT3".utf8)
    /// The version before, without connection counters either.
    private static let magicWithoutConnections: [UInt8] = Array("GWT2".utf8)

    /// Encodes `batch`.
    public static func encode(_ batch: RingBatch) -> [UInt8] {
        var out = Writer()
        out.bytes.reserveCapacity(32 + batch.traces.count * 160)
        out.bytes += magic
        out.u64(batch.written)
        out.u64(batch.dropped)
        out.u64(batch.nextCursor)
        out.u64(UInt64(batch.capacity))
        out.u64(batch.connections.open)
        out.u64(batch.connections.accepted)
        out.u64(batch.connections.refused)
        out.u64(UInt64(batch.connections.closed.count))
        for count in batch.connections.closed { out.u64(count) }
        out.u64(UInt64(batch.traces.count))
        for trace in batch.traces {
            out.u64(trace.sequence)
            out.u64(trace.traceID.high)
            out.u64(trace.traceID.low)
            out.u64(trace.spanSeed)
            out.u64(trace.parentSpanID?.value ?? 0)
            for value in [trace.startUnixNanos, trace.durationNanos, trace.timeToFirstTokenNanos, trace.upstreamNanos] { out.u64(value) }
            out.u64(UInt64(trace.status))
            for value in [trace.inputTokens, trace.cachedInputTokens, trace.outputTokens] { out.u64(UInt64(value)) }
            out.u64(UInt64(trace.attempts) | (trace.streamed ? 0x100 : 0) | UInt64(trace.costFlags.rawValue) << 16)
            out.u64(UInt64(bitPattern: trace.costMicroUSD))
            for text in [trace.operation, trace.reason, trace.keyID, trace.projectID, trace.requestedModel, trace.routedModel, trace.provider] {
                out.string(text)
            }
            out.u64(UInt64(trace.gateCount))
            for index in 0..<trace.gateCount {
                let gate = trace.gate(at: index)
                out.string(gate.gate)
                out.u64(UInt64(gate.decision.rawValue))
                out.string(gate.reason)
                out.u64(gate.startOffsetNanos)
                out.u64(gate.durationNanos)
            }
            out.u64(UInt64(trace.findingCount))
            for finding in trace.findings { out.u64(finding.packed) }
        }
        return out.bytes
    }

    /// Decodes a batch.
    /// - Throws: ``TraceBatchDecodingError`` for anything that is not a whole, well-formed batch.
    public static func decode(_ bytes: [UInt8]) throws(TraceBatchDecodingError) -> RingBatch {
        var reader = Reader(bytes: bytes)
        let version = try reader.take(4)
        let hasParent = version.elementsEqual(magic)
        let hasFindings = hasParent || version.elementsEqual(magicWithoutParent)
        let hasConnections = hasFindings || version.elementsEqual(magicWithoutFindings)
        guard hasConnections || version.elementsEqual(magicWithoutConnections) else {
            throw TraceBatchDecodingError(message: "not a trace batch (bad magic)")
        }
        let written = try reader.u64()
        let dropped = try reader.u64()
        let nextCursor = try reader.u64()
        let capacity = try reader.u64()
        var connections = ConnectionCounters.Snapshot()
        if hasConnections {
            connections.open = try reader.u64()
            connections.accepted = try reader.u64()
            connections.refused = try reader.u64()
            let kinds = try reader.u64()
            guard kinds <= 64 else { throw TraceBatchDecodingError(message: "\(kinds) connection closure counters") }
            let closed = try (0..<kinds).map { _ throws(TraceBatchDecodingError) in try reader.u64() }
            // Counters of closures this version does not know are dropped; missing ones stay zero.
            for (index, count) in closed.prefix(connections.closed.count).enumerated() { connections.closed[index] = count }
        }
        let count = try reader.u64()
        guard count <= UInt64(bytes.count) else { throw TraceBatchDecodingError(message: "trace count \(count) exceeds the body") }
        var traces: [RequestTrace] = []
        traces.reserveCapacity(Int(count))
        for _ in 0..<count {
            let sequence = try reader.u64()
            let id = TraceID(high: try reader.u64(), low: try reader.u64())
            let spanSeed = hasParent ? try reader.u64() : id.low
            let parent = hasParent ? try reader.u64() : 0
            var trace = RequestTrace(traceID: id, startUnixNanos: try reader.u64(), operation: "")
            trace.spanSeed = spanSeed
            trace.parentSpanID = parent == 0 ? nil : SpanID(parent)
            trace.sequence = sequence
            trace.durationNanos = try reader.u64()
            trace.timeToFirstTokenNanos = try reader.u64()
            trace.upstreamNanos = try reader.u64()
            trace.status = UInt16(truncatingIfNeeded: try reader.u64())
            trace.inputTokens = UInt32(truncatingIfNeeded: try reader.u64())
            trace.cachedInputTokens = UInt32(truncatingIfNeeded: try reader.u64())
            trace.outputTokens = UInt32(truncatingIfNeeded: try reader.u64())
            let flags = try reader.u64()
            trace.attempts = UInt8(truncatingIfNeeded: flags)
            trace.streamed = flags & 0x100 != 0
            trace.costFlags = CostFlags(rawValue: UInt8(truncatingIfNeeded: flags >> 16))
            trace.costMicroUSD = Int64(bitPattern: try reader.u64())
            trace.operation = try reader.string()
            trace.reason = try reader.string()
            trace.keyID = try reader.string()
            trace.projectID = try reader.string()
            trace.requestedModel = try reader.string()
            trace.routedModel = try reader.string()
            trace.provider = try reader.string()
            let gates = try reader.u64()
            guard gates <= UInt64(RequestTrace.maxGates) else { throw TraceBatchDecodingError(message: "\(gates) gate spans in one trace") }
            for _ in 0..<gates {
                let gate = try reader.string()
                guard let decision = Decision(rawValue: UInt8(truncatingIfNeeded: try reader.u64())) else {
                    throw TraceBatchDecodingError(message: "unknown decision")
                }
                trace.append(
                    GateSpan(gate: gate, decision: decision, reason: try reader.string(), startOffsetNanos: try reader.u64(), durationNanos: try reader.u64()))
            }
            if hasFindings {
                let findings = try reader.u64()
                guard findings <= UInt64(RequestTrace.maxFindings) else { throw TraceBatchDecodingError(message: "\(findings) guardrail findings in one trace") }
                for _ in 0..<findings {
                    guard let finding = GuardrailFinding(packed: try reader.u64()) else { throw TraceBatchDecodingError(message: "unknown guardrail finding") }
                    trace.append(finding)
                }
            }
            traces.append(trace)
        }
        guard reader.isAtEnd else { throw TraceBatchDecodingError(message: "trailing bytes after the batch") }
        var batch = RingBatch(traces: traces, dropped: dropped, nextCursor: nextCursor, written: written, capacity: Int(clamping: capacity))
        batch.connections = connections
        return batch
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func u64(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }

        mutating func string(_ text: String) {
            let utf8 = text.utf8
            let count = min(utf8.count, Int(UInt16.max))
            withUnsafeBytes(of: UInt16(count).littleEndian) { bytes += $0 }
            bytes += utf8.prefix(count)
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func take(_ count: Int) throws(TraceBatchDecodingError) -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - offset >= count else { throw TraceBatchDecodingError(message: "truncated at byte \(offset)") }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        mutating func u64() throws(TraceBatchDecodingError) -> UInt64 {
            try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func string() throws(TraceBatchDecodingError) -> String {
            let length = try take(2)
            let count = Int(length[length.startIndex]) | Int(length[length.startIndex + 1]) << 8
            guard let text = String(validating: try take(count), as: UTF8.self) else {
                throw TraceBatchDecodingError(message: "invalid UTF-8 at byte \(offset)")
            }
            return text
        }
    }
}
