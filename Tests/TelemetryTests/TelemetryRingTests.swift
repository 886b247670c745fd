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

    @Test("several writers and a slow reader: traces read plus traces dropped equals traces written")
    func concurrentAccounting() async {
        let ring = TelemetryRing(capacity: 256)
        let writers = 4
        let perWriter = 20_000
        let done = FinishedWriters()
        let (read, dropped, duplicates) = await withTaskGroup(of: (Int, UInt64, Bool).self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter { ring.append(Self.trace(UInt64(writer * perWriter + index))) }
                    done.count.add(1, ordering: .sequentiallyConsistent)
                    return (0, 0, false)
                }
            }
            group.addTask {
                var cursor: UInt64 = 0
                var read = 0
                var dropped: UInt64 = 0
                var seen = Set<UInt64>()
                var duplicate = false
                while true {
                    let finished = done.count.load(ordering: .sequentiallyConsistent) == writers
                    let batch = ring.read(from: cursor, limit: 64)
                    read += batch.traces.count
                    dropped += batch.dropped
                    for trace in batch.traces where !seen.insert(trace.sequence).inserted { duplicate = true }
                    cursor = batch.nextCursor
                    if finished && batch.traces.isEmpty { break }
                    try? await Task.sleep(for: .microseconds(200))
                }
                return (read, dropped, duplicate)
            }
            var result = (0, UInt64(0), false)
            for await partial in group where partial.0 > 0 || partial.1 > 0 || partial.2 { result = partial }
            return result
        }
        #expect(ring.written == UInt64(writers * perWriter))
        #expect(UInt64(read) + dropped == ring.written)
        #expect(!duplicates)
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
}

/// Counts writers that have finished, shared with the reader.
final class FinishedWriters: Sendable {
    let count = Atomic<Int>(0)
}
