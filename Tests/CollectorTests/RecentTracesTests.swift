import Telemetry
import TestSupport
import Testing

@testable import Collector

@Suite("Recent traces of one org")
struct RecentTracesTests {
    @Test("drawn batches of 0 to 300 traces, the org's share from none to all: the newest traces are listed newest first and found by id, and the batches held stay within four times the traces kept plus one batch")
    func matchesModel() {
        var generator = SplitMix64(seed: 0x7EC3_11)
        for limit in [1, 7, 100] {
            var recent = RecentTraces(limit: limit)
            var model: [TraceID] = []
            var largest = 0
            for _ in 0..<300 {
                let size = Int.random(in: 0...300, using: &generator)
                largest = max(largest, size)
                let share = [0.0, 0.01, 0.1, 0.24, 0.26, 0.5, 1.0].randomElement(using: &generator)!
                var traces: [RequestTrace] = []
                var indices: [Int] = []
                for index in 0..<size {
                    traces.append(RequestTrace(traceID: TraceID(high: generator.next(), low: generator.next()), startUnixNanos: 0, operation: "chat"))
                    if Double.random(in: 0..<1, using: &generator) < share {
                        indices.append(index)
                        model.append(traces[index].traceID)
                    }
                }
                recent.append(indices[...], of: traces)
                let expected = Array(model.suffix(limit).reversed())
                #expect(recent.count == expected.count)
                #expect(recent.newestFirst.map(\.traceID) == expected)
                #expect(recent.heldTraces <= RecentTraces.heldShare * recent.count + largest)
            }
            for id in model.suffix(limit) { #expect(recent.trace(id: id)?.traceID == id) }
            if model.count > limit { #expect(recent.trace(id: model[model.count - limit - 1]) == nil) }
        }
    }
}
