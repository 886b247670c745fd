import Synchronization
import Telemetry
import Testing

@Suite("The telemetry ring")
struct TelemetryRingTests {
    static func trace(_ marker: UInt64) -> RequestTrace {
        var trace = RequestTrace(traceID: TraceID(high: 1, low: marker), startUnixNanos: marker, operation: "chat")
        trace.append(GateSpan(gate: "payload", decision: .pass, startOffsetNanos: 1, durationNanos: 2))
        return trace
    }

    @Test("sequence numbers are assigned in order and reads resume from the cursor")
    func sequencing() {
        let ring = TelemetryRing(capacity: 8)
        for marker in 0..<5 { ring.append(Self.trace(UInt64(marker))) }
        let first = ring.read(from: 0, limit: 3)
        #expect(first.traces.map(\.sequence) == [0, 1, 2])
        #expect(first.traces.map(\.traceID.low) == [0, 1, 2])
        #expect(first.dropped == 0 && first.nextCursor == 3 && first.written == 5)
        let second = ring.read(from: first.nextCursor)
        #expect(second.traces.map(\.sequence) == [3, 4])
        #expect(ring.read(from: second.nextCursor).traces.isEmpty)
    }

    @Test("when full the oldest traces are overwritten and a lagging reader learns exactly how many it missed")
    func overwrite() {
        let ring = TelemetryRing(capacity: 4)
        for marker in 0..<10 { ring.append(Self.trace(UInt64(marker))) }
        let batch = ring.read(from: 0)
        #expect(batch.dropped == 6)
        #expect(batch.traces.map(\.sequence) == [6, 7, 8, 9])
        #expect(batch.traces.first?.gates.first?.gate == "payload")
        #expect(batch.nextCursor == 10)
    }

    @Test("a continued read appends the next traces in order, counting those overwritten since the last read")
    func continuedRead() {
        let ring = TelemetryRing(capacity: 4)
        for marker in 0..<3 { ring.append(Self.trace(UInt64(marker))) }
        var batch = ring.read(from: 0, limit: 2)
        #expect(batch.traces.map(\.sequence) == [0, 1] && batch.nextCursor == 2)
        for marker in 3..<9 { ring.append(Self.trace(UInt64(marker))) }
        ring.read(into: &batch, limit: 3)
        #expect(batch.traces.map(\.sequence) == [0, 1, 5, 6, 7] && batch.traces.map(\.traceID.low) == [0, 1, 5, 6, 7])
        #expect(batch.dropped == 3 && batch.nextCursor == 8 && batch.written == 9)
        ring.read(into: &batch, limit: 10)
        #expect(batch.traces.map(\.sequence).last == 8 && batch.nextCursor == 9 && batch.dropped == 3)
        ring.read(into: &batch, limit: 10)
        #expect(batch.traces.count == 6 && batch.nextCursor == 9)
    }

    @Test("several writers and a slow reader: traces read plus traces dropped equals traces written, each naming its own strings")
    func concurrentAccounting() async {
        let ring = TelemetryRing(capacity: 256)
        let writers = 4
        let perWriter = 20_000
        let done = FinishedWriters()
        // Each trace names strings of its own marker, so that the tables change all the time: a key
        // id no other trace has, a model shared with a few.
        @Sendable func trace(_ marker: Int) -> RequestTrace {
            var trace = RequestTrace(traceID: TraceID(high: 0, low: UInt64(marker)), startUnixNanos: 0, operation: "op-\(marker % 7)")
            (trace.keyID, trace.requestedModel) = ("key-\(marker)-of-a-trace", "model-\(marker % 97)-shared-by-some")
            trace.append(GateSpan(gate: "gate-\(marker % 5)", decision: .deny, reason: "reason-\(marker % 11)", startOffsetNanos: 0, durationNanos: 0))
            return trace
        }
        let (read, dropped, duplicates, misnamed) = await withTaskGroup(of: (Int, UInt64, Bool, Int).self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter { ring.append(trace(writer * perWriter + index)) }
                    done.count.add(1, ordering: .sequentiallyConsistent)
                    return (0, 0, false, 0)
                }
            }
            group.addTask {
                var cursor: UInt64 = 0
                var (read, dropped, misnamed) = (0, UInt64(0), 0)
                var seen = Set<UInt64>()
                var duplicate = false
                while true {
                    let finished = done.count.load(ordering: .sequentiallyConsistent) == writers
                    let batch = ring.read(from: cursor, limit: 64)
                    read += batch.traces.count
                    dropped += batch.dropped
                    for trace in batch.traces where !seen.insert(trace.sequence).inserted { duplicate = true }
                    for got in batch.traces {
                        let expected = trace(Int(got.traceID.low))
                        if got.operation != expected.operation || got.keyID != expected.keyID || got.requestedModel != expected.requestedModel
                            || got.gates != expected.gates
                        {
                            misnamed += 1
                        }
                    }
                    cursor = batch.nextCursor
                    if finished && batch.traces.isEmpty { break }
                    try? await Task.sleep(for: .microseconds(200))
                }
                return (read, dropped, duplicate, misnamed)
            }
            var result = (0, UInt64(0), false, 0)
            for await partial in group where partial.0 > 0 || partial.1 > 0 || partial.2 || partial.3 > 0 { result = partial }
            return result
        }
        #expect(ring.written == UInt64(writers * perWriter))
        #expect(read > 0 && UInt64(read) + dropped == ring.written)
        #expect(!duplicates)
        #expect(misnamed == 0)
    }

    @Test("a trace comes out of the ring field for field, numbered by its position")
    func roundTrip() throws {
        let ring = TelemetryRing(capacity: 4)
        var original = try #require(TraceBatchCodecTests.batch().traces.first)
        original.costMicroUSD = -7
        original.costFlags = [.estimated, .usageInvalid]
        original.append(GuardrailFinding(direction: .output, check: .denyPhrases, action: .monitor, type: "deny_phrase", message: 65_535, count: 65_535))
        for _ in 0..<6 { ring.append(original) }
        let read = ring.read(from: 0)
        #expect(read.traces.map(\.sequence) == [2, 3, 4, 5] && read.dropped == 2)
        let (a, b) = (original, read.traces[3])
        #expect(a.traceID == b.traceID && a.startUnixNanos == b.startUnixNanos && a.spanSeed == b.spanSeed && a.parentSpanID == b.parentSpanID)
        #expect(a.durationNanos == b.durationNanos && a.timeToFirstTokenNanos == b.timeToFirstTokenNanos && a.upstreamNanos == b.upstreamNanos)
        #expect(a.costMicroUSD == b.costMicroUSD && a.costFlags == b.costFlags && a.status == b.status && a.reason == b.reason)
        #expect(a.keyID == b.keyID && a.projectID == b.projectID && a.requestedModel == b.requestedModel)
        #expect(a.routedModel == b.routedModel && a.provider == b.provider && a.operation == b.operation)
        #expect(a.inputTokens == b.inputTokens && a.cachedInputTokens == b.cachedInputTokens && a.outputTokens == b.outputTokens)
        #expect(a.attempts == b.attempts && a.streamed == b.streamed)
        #expect(a.gates == b.gates && a.findings == b.findings && b.findingCount == 3)
        let blank = RequestTrace(traceID: TraceID(high: 0, low: 1), startUnixNanos: 0, operation: "")
        ring.append(blank)
        let empty = try #require(ring.read(from: 6).traces.first)
        #expect(empty.parentSpanID == nil && empty.spanSeed == 1 && empty.gateCount == 0 && empty.findingCount == 0 && empty.keyID.isEmpty)
    }

    @Test("durations keep the nanosecond below a second and a part in a million above, saturating past 34 years")
    func durations() throws {
        var generator = SystemRandomNumberGenerator()
        let ring = TelemetryRing(capacity: 1)
        var values: [UInt64] = [0, 1, (1 << 30) - 1, 1 << 30, 5_000_000_123, UInt64(Int64.max), .max]
        for _ in 0..<2_000 { values.append(UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator)) }
        for value in values {
            var trace = Self.trace(1)
            trace.durationNanos = value
            trace.append(GateSpan(gate: "upstream", decision: .pass, startOffsetNanos: value / 2, durationNanos: value))
            ring.append(trace)
            let read = try #require(ring.read(from: ring.written - 1).traces.first)
            for (stored, kept) in [(value, read.durationNanos), (value / 2, read.gates[1].startOffsetNanos), (value, read.gates[1].durationNanos)] {
                let unit: UInt64 = [1, 1_000, 1_000_000, 1_000_000_000].first { stored / $0 < 1 << 30 } ?? 1_000_000_000
                if stored / 1_000_000_000 >= 1 << 30 {
                    #expect(kept == ((1 << 30) - 1) * 1_000_000_000)
                } else {
                    #expect(kept <= stored && stored - kept < unit, "\(stored) kept as \(kept)")
                }
            }
        }
    }

    @Test("the ring holds each string once, and only while a trace names it: a full ring of the default capacity is within 16 MB")
    func compactStorage() {
        #expect(TelemetryRing.slotBytes <= 256)
        #expect(TelemetryRing.slotBytes * 65_536 <= 16 << 20)
        let ring = TelemetryRing(capacity: 64)
        let empty = ring.storageBytes
        #expect(empty == 64 * TelemetryRing.slotBytes)
        for index in 0..<10_000 {
            var trace = Self.trace(UInt64(index))
            trace.requestedModel = String(repeating: "m", count: 200) + "\(index)"
            trace.keyID = "key-shared-by-every-trace"
            ring.append(trace)
        }
        // 64 distinct models of about 204 bytes and one key id, not 10,000.
        #expect(ring.storageBytes - empty < 64 * 210 + 100)
        #expect(ring.read(from: 0).traces.last?.requestedModel.hasSuffix("9999") == true)
        for index in 0..<64 { ring.append(Self.trace(UInt64(index))) }
        #expect(ring.storageBytes - empty == "payload".utf8.count + "chat".utf8.count)
    }

    @Test("drawn traces of shared, fresh and empty strings read back as written, and the ring holds exactly the strings they name")
    func internedStrings() {
        var draw = Draws(seed: 0x1A7E_2026)
        // A name shared by reference, the same text in a fresh string each time, a small string, empty.
        let shared = (0..<6).map { String(repeating: "shared-model-\($0)-", count: 3) }
        func text() -> String {
            let pick = draw(6)
            return switch draw(4) {
            case 0: shared[pick]
            case 1: String(repeating: "fresh-text-\(pick)-", count: 3)
            case 2: "s\(pick)"
            default: ""
            }
        }
        for capacity in [1, 2, 3, 7, 16] {
            let ring = TelemetryRing(capacity: capacity)
            let empty = ring.storageBytes
            var written: [RequestTrace] = []
            for marker in 0..<600 {
                var trace = RequestTrace(traceID: TraceID(high: 0, low: UInt64(marker)), startUnixNanos: 0, operation: text())
                (trace.keyID, trace.projectID, trace.requestedModel) = (text(), text(), text())
                (trace.routedModel, trace.provider, trace.reason) = (text(), text(), text())
                for _ in 0..<draw(10) {
                    trace.append(GateSpan(gate: text(), decision: .deny, reason: text(), startOffsetNanos: 0, durationNanos: 0))
                }
                ring.append(trace)
                written.append(trace)
                guard marker % 7 == 0 || marker == 599 else { continue }
                let live = written.suffix(capacity)
                let read = ring.read(from: 0).traces
                #expect(read.count == live.count)
                for (a, b) in zip(live, read) {
                    #expect(a.operation == b.operation && a.reason == b.reason && a.keyID == b.keyID && a.projectID == b.projectID)
                    #expect(a.requestedModel == b.requestedModel && a.routedModel == b.routedModel && a.provider == b.provider && a.gates == b.gates)
                }
                // Labels and texts are two tables: a string in both is held twice.
                let labels = Set(live.flatMap { [$0.operation, $0.reason] + $0.gates.flatMap { [$0.gate, $0.reason] } })
                let texts = Set(live.flatMap { [$0.keyID, $0.projectID, $0.requestedModel, $0.routedModel, $0.provider] })
                #expect(ring.storageBytes - empty == (labels.map(\.utf8.count) + texts.map(\.utf8.count)).reduce(0, +))
            }
        }
    }

    @Test("reads between drawn runs of writes decode every string as written: new strings, dropped ones, reused ids, and a log of changes outgrown")
    func readsBetweenWrites() {
        var draw = Draws(seed: 0x2026_1206)
        // Strings drawn from a pool far larger than a ring holds, so ids are dropped and reused;
        // runs of writes up to 400 long, so that some outgrow the log of changes between reads.
        func text() -> String { draw(5) == 0 ? "" : "text-\(draw(3_000))-" + String(repeating: "x", count: draw(20)) }
        for capacity in [1, 5, 64, 300] {
            let ring = TelemetryRing(capacity: capacity)
            var written: [RequestTrace] = []
            var cursor: UInt64 = 0
            for _ in 0..<40 {
                for _ in 0..<draw(400) {
                    var trace = RequestTrace(traceID: TraceID(high: 0, low: UInt64(written.count)), startUnixNanos: 0, operation: text())
                    (trace.keyID, trace.projectID, trace.requestedModel, trace.reason) = (text(), text(), text(), text())
                    for _ in 0..<draw(4) { trace.append(GateSpan(gate: text(), decision: .pass, reason: text(), startOffsetNanos: 0, durationNanos: 0)) }
                    ring.append(trace)
                    written.append(trace)
                }
                let batch = ring.read(from: cursor, limit: 1 + draw(2 * capacity))
                cursor = batch.nextCursor
                for read in batch.traces {
                    let original = written[Int(read.traceID.low)]
                    #expect(read.sequence == read.traceID.low)
                    #expect(read.operation == original.operation && read.reason == original.reason && read.keyID == original.keyID)
                    #expect(read.projectID == original.projectID && read.requestedModel == original.requestedModel && read.gates == original.gates)
                }
            }
        }
    }

    @Test("past the most labels a ring can name, new ones read as empty until old ones leave the ring; then they are named again")
    func labelLimit() throws {
        let ring = TelemetryRing(capacity: 17_000)
        for marker in 0..<40_000 {
            var trace = Self.trace(UInt64(marker))
            trace.reason = "reason_\(marker)"
            ring.append(trace)
        }
        let read = ring.read(from: 0).traces
        #expect(read.count == 17_000)
        for trace in read { #expect(trace.reason.isEmpty || trace.reason == "reason_\(trace.traceID.low)") }
        let named = read.filter { !$0.reason.isEmpty }.count
        #expect(named > 7_000 && named < 17_000)
        #expect(try #require(read.last).reason == "reason_39999")
    }

    @Test("a trace holds at most eight gate spans; derived span ids differ")
    func gateLimit() {
        var trace = Self.trace(1)
        for index in 0..<10 { trace.append(GateSpan(gate: "g\(index)", decision: .deny, startOffsetNanos: 0, durationNanos: 0)) }
        #expect(trace.gateCount == RequestTrace.maxGates)
        #expect(trace.decidingGate?.gate == "g6")
        let ids = Set((0..<8).map { trace.gateSpanID(at: $0) } + [trace.rootSpanID])
        #expect(ids.count == 9)
    }

    @Test("gate spans read in place are the trace's own, from none to past the limit, alone or in an array")
    func gateSpansInPlace() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...10 {
            var trace = Self.trace(UInt64(count))
            for index in 0..<count {
                // Small and heap-allocated strings, every decision, durations across the range.
                let name = index.isMultiple(of: 2) ? "g\(index)" : String(repeating: "gate-\(index)-", count: 4)
                let decision = Decision.allCases.randomElement(using: &generator)!
                trace.append(
                    GateSpan(
                        gate: name, decision: decision, reason: decision == .pass ? "" : "reason_\(index)", startOffsetNanos: .random(in: 0...UInt64.max, using: &generator),
                        durationNanos: .random(in: 0...UInt64.max, using: &generator)))
            }
            let alone = withUnsafePointer(to: trace) { Array(RequestTrace.gateSpans(of: $0)) }
            let traces = [Self.trace(99), trace, Self.trace(100)]
            let inArray = traces.withUnsafeBufferPointer { Array(RequestTrace.gateSpans(of: $0.baseAddress! + 1)) }
            #expect(alone == trace.gates && inArray == trace.gates && alone.count == min(count + 1, RequestTrace.maxGates))
        }
    }
}

/// Counts writers that have finished, shared with the reader.
final class FinishedWriters: Sendable {
    let count = Atomic<Int>(0)
}
