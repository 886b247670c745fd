import GatewayModel
import Logging
import Synchronization
import Telemetry
import Testing

@testable import Collector

@Suite("Reading this process's ring")
struct RingSourceTests {
    final class Finished: Sendable {
        let count = Atomic<Int>(0)
    }

    @Test("writers racing the reader: batches of at most the limit, in sequence, and traces read plus dropped equal traces written")
    func batches() async throws {
        let ring = TelemetryRing(capacity: 300)
        let source = RingSource(ring: ring)
        let writers = 2
        let perWriter = 20_000
        let finished = Finished()
        let outcome = try await withThrowingTaskGroup(of: (read: Int, dropped: UInt64, largest: Int, ordered: Bool)?.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter {
                        ring.append(RequestTrace(traceID: TraceID(high: 1, low: UInt64(writer * perWriter + index)), startUnixNanos: 1, operation: "chat"))
                    }
                    finished.count.add(1, ordering: .sequentiallyConsistent)
                    return nil
                }
            }
            group.addTask {
                var cursor: UInt64 = 0
                var result = (read: 0, dropped: UInt64(0), largest: 0, ordered: true)
                while true {
                    let done = finished.count.load(ordering: .sequentiallyConsistent) == writers
                    let batch = try await source.read(from: cursor)
                    let sequences = batch.traces.map(\.sequence)
                    // In order, each batch starting where the last ended or past what was overwritten.
                    result.ordered = result.ordered && zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 } && (sequences.first ?? cursor) >= cursor
                    result.read += sequences.count
                    result.dropped += batch.dropped
                    result.largest = max(result.largest, sequences.count)
                    cursor = batch.nextCursor
                    if done && batch.traces.isEmpty { return result }
                    await Task.yield()
                }
            }
            var outcome: (read: Int, dropped: UInt64, largest: Int, ordered: Bool)?
            for try await partial in group where partial != nil { outcome = partial }
            return try #require(outcome)
        }
        #expect(UInt64(outcome.read) + outcome.dropped == ring.written)
        #expect(outcome.largest <= RingSource.batchLimit && outcome.ordered)
    }

    @Test("a backlog larger than a batch comes out in full batches, every trace once")
    func backlog() async throws {
        let ring = TelemetryRing(capacity: 1_000)
        for index in 0..<700 { ring.append(RequestTrace(traceID: TraceID(high: 2, low: UInt64(index)), startUnixNanos: 1, operation: "chat")) }
        let source = RingSource(ring: ring)
        var sizes: [Int] = []
        var lows: [UInt64] = []
        var cursor: UInt64 = 0
        while cursor < ring.written {
            let batch = try await source.read(from: cursor)
            sizes.append(batch.traces.count)
            lows += batch.traces.map(\.traceID.low)
            cursor = batch.nextCursor
        }
        #expect(sizes == [256, 256, 188] && lows == (0..<700).map(UInt64.init))
    }
}

@Suite("Collections that overlap")
struct OverlappingCollectionTests {
    @Test("collections asked for at once (the timer's and queries') count each trace once")
    func eachTraceOnce() async {
        let ring = TelemetryRing(capacity: 4096)
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["gpt-4o-mini"])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let collector = Collector(sources: [RingSource(ring: ring)], store: TelemetryStore(), mapping: { mapping }, logger: logger)
        var appended = 0
        for _ in 0..<20 {
            for _ in 0..<100 {
                ring.append(PrometheusTextTests.trace(project: "p", model: "gpt-4o-mini", status: 200))
                appended += 1
            }
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { await collector.collect() } }
            }
        }
        let requests = collector.store.families(org: "acme").first { $0.name == "gateway_requests_total" }
        #expect(requests?.values.values.reduce(0, +) == Double(appended))
    }
}
