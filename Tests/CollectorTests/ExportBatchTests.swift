import GatewayModel
import Telemetry
import TestSupport
import Testing

@testable import Collector

@Suite("Export batches: the queues share a collected batch, tagged as the mapping says")
struct ExportBatchTests {
    static let mapping = OrgMapping(
        orgByProject: ["p1": "acme", "p2": "acme", "p3": "globex"], orgs: ["acme", "globex"], providers: ["openai", "claude"],
        providerKinds: ["openai": "openai", "claude": "anthropic"], providerHosts: ["openai": "api.openai.com", "claude": "api.anthropic.com"])

    /// A trace of a drawn project, provider, operation and number of gates and attempts.
    static func drawnTrace(using random: inout SplitMix64) -> RequestTrace {
        var trace = RequestTrace(
            traceID: TraceID(high: random.next(), low: random.next()), startUnixNanos: random.next() >> 1,
            operation: ["chat", "embeddings", "mcp"].randomElement(using: &random)!)
        trace.projectID = ["p1", "p2", "p3", "unknown", ""].randomElement(using: &random)!
        trace.provider = ["openai", "claude", "unconfigured", ""].randomElement(using: &random)!
        trace.requestedModel = ["gpt-4o", "tools/call", ""].randomElement(using: &random)!
        trace.attempts = UInt8.random(in: 0...2, using: &random)
        trace.status = [200, 403, 429, 503].randomElement(using: &random)!
        for index in 0..<Int.random(in: 0...RequestTrace.maxGates, using: &random) {
            trace.append(GateSpan(gate: "gate\(index)", decision: .pass, startOffsetNanos: UInt64(index), durationNanos: 1))
        }
        return trace
    }

    @Test("200 drawn batches: each wanted trace in order, with its org, provider kind and host, and the spans it becomes")
    func tagging() {
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            let traces = (0..<Int.random(in: 0...40, using: &random)).map { _ in Self.drawnTrace(using: &random) }
            let wanted = Set(["acme", "globex", OrgMapping.unattributed].filter { _ in Bool.random(using: &random) })
            let exported = ExportBatch.tagged(traces, mapping: Self.mapping) { wanted.contains($0) }
            // The reference: each trace looked up on its own.
            var expected: [(index: Int, org: String, kind: String?, host: String?)] = []
            for (index, trace) in traces.enumerated() {
                let org = Self.mapping.orgByProject[trace.projectID] ?? OrgMapping.unattributed
                let provider = trace.operation == "mcp" ? "" : trace.provider
                if wanted.contains(org) { expected.append((index, org, Self.mapping.providerKinds[provider], Self.mapping.providerHosts[provider])) }
            }
            #expect(exported.map(\.index) == expected.map(\.index), "seed \(seed)")
            for (item, reference) in zip(exported, expected) {
                let tags = item.batch.tags[item.tag]
                #expect(tags.org == reference.org && tags.providerKind == reference.kind && tags.serverAddress == reference.host, "seed \(seed)")
                #expect(item.batch === exported[0].batch, "one batch shared by every trace, seed \(seed)")
                let trace = traces[item.index]
                #expect(item.spanCount == 1 + trace.gateCount + (trace.attempts > 0 ? 1 : 0), "seed \(seed)")
            }
            if let batch = exported.first?.batch {
                #expect(batch.traces.map(\.traceID) == traces.map(\.traceID), "the batch is the collected one, seed \(seed)")
                let distinct = Set(batch.tags.map { "\($0.org)|\($0.providerKind ?? "-")|\($0.serverAddress ?? "-")" })
                #expect(distinct.count == batch.tags.count, "each tag held once, seed \(seed)")
            }
        }
    }

    @Test("a destination's small share of a batch is copied out; a larger one shares the batch")
    func heldShare() {
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            let traces = (0..<Int.random(in: 1...64, using: &random)).map { _ in Self.drawnTrace(using: &random) }
            let exported = ExportBatch.tagged(traces, mapping: Self.mapping) { _ in true }
            let org = ["acme", "globex", OrgMapping.unattributed].randomElement(using: &random)!
            let share = exported.filter { $0.org == org }
            let held = ExportBatch.held(share)
            #expect(held.count == share.count, "seed \(seed)")
            guard let first = held.first else { continue }
            if share.count * ExportBatch.heldShare < traces.count {
                #expect(first.batch !== exported[0].batch && first.batch.traces.count == share.count, "copied out, seed \(seed)")
            } else {
                #expect(held.allSatisfy { $0.batch === exported[0].batch }, "shared, seed \(seed)")
            }
            for (item, original) in zip(held, share) {
                #expect(item.batch.traces[item.index].traceID == traces[original.index].traceID, "seed \(seed)")
                #expect(item.org == org && item.spanCount == original.spanCount, "seed \(seed)")
                #expect(item.batch.tags[item.tag].providerKind == original.batch.tags[original.tag].providerKind, "seed \(seed)")
            }
        }
    }

    @Test("traces read where they lie in a shared batch encode to the same bytes as traces each in a batch of its own")
    func encodingFromSharedBatch() {
        var random = SplitMix64(seed: 7)
        let traces = (0..<50).map { _ in Self.drawnTrace(using: &random) }
        let shared = ExportBatch.tagged(traces, mapping: Self.mapping) { _ in true }
        let single = shared.map { item in
            let tags = item.batch.tags[item.tag]
            return ExportedTrace(trace: traces[item.index], org: tags.org, providerKind: tags.providerKind, serverAddress: tags.serverAddress)
        }
        let resource = OTLPResource(serviceName: "gateway", instanceID: "i")
        let bytes = OTLPTraceEncoding.request(shared, resource: resource)
        #expect(bytes.count > 50 * 100)
        #expect(bytes == OTLPTraceEncoding.request(single, resource: resource))
    }
}
