import Collector
import GatewayModel
import Telemetry
import TestSupport
import Testing

@Suite("Prometheus exposition")
struct PrometheusTextTests {
    static func store(with traces: [RequestTrace], mapping: OrgMapping) -> TelemetryStore {
        let ring = TelemetryRing(capacity: 64)
        for trace in traces { ring.append(trace) }
        let store = TelemetryStore()
        store.ingest(ring.read(from: 0), from: "local", mapping: mapping, scrapeDuration: .milliseconds(1))
        return store
    }

    static func trace(project: String, model: String, status: UInt16 = 200) -> RequestTrace {
        var trace = RequestTrace(traceID: .next(), startUnixNanos: 1_800_000_000_000_000_000, operation: "chat")
        trace.projectID = project
        trace.requestedModel = model
        trace.status = status
        trace.durationNanos = 30_000_000
        trace.timeToFirstTokenNanos = 2_000_000
        trace.inputTokens = 10
        trace.outputTokens = 3
        trace.append(GateSpan(gate: "upstream", decision: .pass, startOffsetNanos: 0, durationNanos: 7_000))
        return trace
    }

    @Test("a span reason outside the closed set (another build's ring) is labelled other, so the label stays bounded")
    func unknownReasonIsOther() {
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["m"])
        var traces: [RequestTrace] = []
        for reason in ["key_missing", "made-up-\(UInt64.random(in: 0...UInt64.max))", "another-one"] {
            var trace = Self.trace(project: "p", model: "m", status: 401)
            trace.append(GateSpan(gate: "key-auth", decision: .deny, reason: reason, startOffsetNanos: 0, durationNanos: 1))
            traces.append(trace)
        }
        let text = PrometheusText.render(Self.store(with: traces, mapping: mapping).families(org: nil), format: .text)
        #expect(text.contains("gateway_gate_decisions_total{org=\"acme\",project=\"p\",gate=\"key-auth\",decision=\"deny\",reason=\"key_missing\"} 1"))
        #expect(text.contains("gateway_gate_decisions_total{org=\"acme\",project=\"p\",gate=\"key-auth\",decision=\"deny\",reason=\"other\"} 2"))
        #expect(!text.contains("made-up"))
    }

    @Test("histograms are cumulative with +Inf, sum and count; unknown models collapse into other")
    func histogramAndLabels() {
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["gpt-4o-mini"])
        let store = Self.store(with: [Self.trace(project: "p", model: "gpt-4o-mini"), Self.trace(project: "p", model: "made-up-\(UInt64.random(in: 0...UInt64.max))")], mapping: mapping)
        let text = PrometheusText.render(store.families(org: nil), format: .text)
        #expect(text.contains("gateway_requests_total{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\",status=\"200\",gate=\"upstream\"} 1"))
        #expect(text.contains("gateway_requests_total{org=\"acme\",project=\"p\",model=\"other\",status=\"200\",gate=\"upstream\"} 1"))
        #expect(text.contains("gateway_request_duration_seconds_bucket{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\",le=\"0.02\"} 0"))
        #expect(text.contains("gateway_request_duration_seconds_bucket{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\",le=\"0.04\"} 1"))
        #expect(text.contains("gateway_request_duration_seconds_bucket{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\",le=\"+Inf\"} 1"))
        #expect(text.contains("gateway_request_duration_seconds_count{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\"} 1"))
        #expect(text.contains("gateway_tokens_total{org=\"acme\",project=\"p\",model=\"gpt-4o-mini\",type=\"input\"} 10"))
        #expect(text.contains("# TYPE gateway_requests_total counter"))
        #expect(!text.contains("# EOF"))
    }

    @Test("a batch is summed per series: one scrape of many traces equals the same traces scraped one at a time")
    func batchSums() {
        let mapping = OrgMapping(orgByProject: ["p": "acme", "q": "beta"], orgs: ["acme", "beta"], models: ["gpt-4o-mini"], providers: ["openai"])
        var generator = SplitMix64(seed: 7)
        var traces: [RequestTrace] = []
        for index in 0..<60 {
            // Projects in runs of three, so that consecutive traces often share their series.
            var trace = Self.trace(project: ["p", "q", "unknown", ""][(index / 3) % 4], model: index % 3 == 0 ? "gpt-4o-mini" : "other-\(index % 2)")
            trace.status = [200, 200, 429, 401][Int.random(in: 0...3, using: &generator)]
            trace.durationNanos = UInt64.random(in: 1_000...3_000_000_000, using: &generator)
            trace.timeToFirstTokenNanos = index % 5 == 0 ? 0 : UInt64.random(in: 1_000...900_000_000, using: &generator)
            trace.inputTokens = UInt32.random(in: 0...500, using: &generator)
            trace.cachedInputTokens = index % 2 == 0 ? 0 : 7
            trace.costMicroUSD = Int64.random(in: 0...40, using: &generator)
            trace.costFlags = index % 7 == 0 ? [.unpriced] : (index % 11 == 0 ? [.estimated] : [])
            if index % 3 != 0 {
                trace.provider = index % 2 == 0 ? "openai" : "someone-else"
                trace.upstreamNanos = UInt64.random(in: 1_000...2_000_000_000, using: &generator)
            }
            // A first gate whose name, decision and reason vary apart, so that consecutive traces
            // differ in each label of a gate's series at the same position.
            trace.append(
                GateSpan(
                    gate: ["key-auth", "routing"][Int.random(in: 0...1, using: &generator)], decision: Bool.random(using: &generator) ? .pass : .deny,
                    reason: ["", "key_missing", "model_not_found"][Int.random(in: 0...2, using: &generator)], startOffsetNanos: 0,
                    durationNanos: UInt64.random(in: 100...9_000_000, using: &generator)))
            // Most traces end at the budget gate, the others at the first one: the deciding gate varies too.
            if index % 4 != 1 {
                trace.append(
                    GateSpan(gate: "budget", decision: index % 9 == 0 ? .deny : .pass, reason: index % 9 == 0 ? "budget_exceeded" : "", startOffsetNanos: 0, durationNanos: 900))
            }
            // Three minutes, in runs of two, for the per-minute usage.
            trace.startUnixNanos += UInt64(index / 2 % 3) * 60_000_000_000
            traces.append(trace)
        }
        let whole = Self.store(with: traces, mapping: mapping)
        let ring = TelemetryRing(capacity: 64)
        let oneByOne = TelemetryStore()
        for trace in traces {
            ring.append(trace)
            oneByOne.ingest(ring.read(from: ring.written - 1), from: "local", mapping: mapping, scrapeDuration: .milliseconds(1))
        }
        // Series name and labels -> value; sums may differ in the last bits with the order of addition.
        let metrics = { (store: TelemetryStore) -> [String: Double] in
            var values: [String: Double] = [:]
            for line in PrometheusText.render(store.families(org: nil), format: .text).split(separator: "\n")
            where !line.hasPrefix("#") && !line.hasPrefix("gateway_telemetry") {
                let cut = line.lastIndex(of: " ")!
                values[String(line[..<cut])] = Double(line[line.index(after: cut)...])!
            }
            return values
        }
        let batched = metrics(whole)
        let single = metrics(oneByOne)
        #expect(batched.count > 100)
        #expect(Set(batched.keys) == Set(single.keys))
        let differing = batched.filter { key, value in abs(value - (single[key] ?? .nan)) > 1e-9 * max(1, abs(value)) }
        #expect(differing.isEmpty, "\(differing.count) series differ, e.g. \(differing.first.map { "\($0.key) \($0.value) vs \(single[$0.key]!)" } ?? "")")
        #expect(batched["gateway_gate_decisions_total{org=\"acme\",project=\"p\",gate=\"budget\",decision=\"deny\",reason=\"budget_exceeded\"}"] == 2)
        #expect(batched.keys.contains { $0.hasPrefix("gateway_requests_total{") && $0.contains("gate=\"routing\"") })
        let start = Int64(Self.trace(project: "p", model: "x").startUnixNanos / 1_000_000_000)
        var windowsUsed = 0
        for org in ["acme", "beta", OrgMapping.unattributed] {
            for minute in 0..<Int64(3) {
                let window = (from: start + minute * 60, to: start + minute * 60 + 59)
                let usage = whole.usage(org: org, from: window.from, to: window.to, groupBy: ["project", "model"])
                #expect(usage == oneByOne.usage(org: org, from: window.from, to: window.to, groupBy: ["project", "model"]))
                if !usage.isEmpty { windowsUsed += 1 }
            }
        }
        #expect(windowsUsed >= 6)
    }

    @Test("a collection with nothing new, its array empty or only reserved, counts a scrape and no request")
    func emptyBatches() {
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["m"])
        let store = TelemetryStore()
        var reserved: [RequestTrace] = []
        reserved.reserveCapacity(64)  // storage with no trace in it: nothing may be read there
        for traces in [[], reserved] {
            store.ingest(RingBatch(traces: traces, dropped: 0, nextCursor: 0, written: 0, capacity: 64), from: "local", mapping: mapping, scrapeDuration: .zero)
        }
        let one = RingBatch(traces: [Self.trace(project: "p", model: "m")], dropped: 0, nextCursor: 1, written: 1, capacity: 64)
        store.ingest(one, from: "local", mapping: mapping, scrapeDuration: .zero)
        let text = PrometheusText.render(store.families(org: nil), format: .text)
        #expect(text.contains("gateway_telemetry_scrapes_total{source=\"local\"} 3"))
        #expect(text.contains("gateway_requests_total{org=\"acme\",project=\"p\",model=\"m\",status=\"200\",gate=\"upstream\"} 1"))
    }

    @Test("OpenMetrics names counter families without _total and ends with # EOF")
    func openMetrics() {
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: [])
        let text = PrometheusText.render(Self.store(with: [Self.trace(project: "p", model: "x")], mapping: mapping).families(org: "acme"), format: .openMetrics)
        #expect(text.contains("# TYPE gateway_requests counter\n"))
        #expect(text.contains("gateway_requests_total{org=\"acme\""))
        #expect(text.hasSuffix("# EOF\n"))
        #expect(PrometheusText.Format(accept: "application/openmetrics-text; version=1.0.0") == .openMetrics)
        #expect(PrometheusText.Format(accept: "text/plain") == .text)
    }

    @Test("label values are escaped")
    func escaping() {
        let mapping = OrgMapping(orgByProject: ["we\"ird\\p\nx": "acme"], orgs: ["acme"])
        let text = PrometheusText.render(Self.store(with: [Self.trace(project: "we\"ird\\p\nx", model: "x")], mapping: mapping).families(org: nil), format: .text)
        #expect(text.contains("project=\"we\\\"ird\\\\p\\nx\""))
    }

    @Test("usage rolls up per minute and groups by project and model")
    func usage() {
        let mapping = OrgMapping(orgByProject: ["p": "acme", "q": "acme"], orgs: ["acme"], models: ["a", "b"])
        let store = Self.store(with: [Self.trace(project: "p", model: "a"), Self.trace(project: "p", model: "b"), Self.trace(project: "q", model: "a")], mapping: mapping)
        let second: Int64 = 1_800_000_000
        let byProject = store.usage(org: "acme", from: second - 60, to: second + 60, groupBy: ["project"])
        #expect(byProject.map(\.group) == [["project": "p"], ["project": "q"]])
        #expect(byProject.map(\.counts.requests) == [2, 1])
        #expect(store.usage(org: "acme", from: second + 120, to: second + 600, groupBy: []).isEmpty)
        #expect(store.usage(org: "other", from: second - 60, to: second + 60, groupBy: []).isEmpty)
    }
}
