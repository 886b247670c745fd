import Collector
import GatewayModel
import Telemetry
import TestSupport
import Testing

@Suite("Recent requests per org")
struct RecentRequestsTests {
    @Test("drawn batches, some larger than the per-org limit: each org lists its newest traces, newest first, and no other org's")
    func newestPerOrg() {
        let mapping = OrgMapping(orgByProject: ["a": "acme", "g": "globex"], orgs: ["acme", "globex"], models: [])
        var generator = SplitMix64(seed: 0x2EC3_A7)
        let limit = 5
        let store = TelemetryStore(recentPerOrg: limit)
        var model: [String: [TraceID]] = [:]
        for _ in 0..<200 {
            var traces: [RequestTrace] = []
            for _ in 0..<[0, 1, 3, 4, 5, 6, 11, 17].randomElement(using: &generator)! {
                let project = Bool.random(using: &generator) ? "a" : "g"
                var trace = PrometheusTextTests.trace(project: project, model: "m")
                trace.traceID = TraceID(high: generator.next(), low: generator.next())
                traces.append(trace)
                model[mapping.orgByProject[project]!, default: []].append(trace.traceID)
            }
            store.ingest(
                RingBatch(traces: traces, dropped: 0, nextCursor: 0, written: UInt64(traces.count), capacity: 64), from: "test", mapping: mapping,
                scrapeDuration: .zero)
            for org in ["acme", "globex"] {
                let listed = store.requests(org: org, limit: 50)
                #expect(listed.allSatisfy { $0.org == org })
                #expect(listed.map(\.trace.traceID) == Array((model[org] ?? []).suffix(limit).reversed()))
            }
        }
    }
}
