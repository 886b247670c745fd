import GatewayModel
import Telemetry
import TestSupport
import Testing

@testable import Collector

@Suite("OTLP delivery: the queue's accounting, answers, retries and hostile traces")
struct OTLPDeliveryTests {
    @Test("under any order of appends, batches and outcomes, every span is accounted for and the queue stays within capacity")
    func queueAccounting() {
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            var queue = SpanQueue<Int>(capacity: Int.random(in: 1...64, using: &random))
            for step in 0..<300 {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: queue.append(step, spans: Int.random(in: 1...12, using: &random))
                case 1:
                    if let batch = queue.takeBatch(limit: Int.random(in: 1...20, using: &random)) { #expect(!batch.isEmpty) }
                case 2: queue.settle(delivered: Bool.random(using: &random), rejected: Int.random(in: -5...30, using: &random))
                default: if Int.random(in: 0..<20, using: &random) == 0 { queue.failWaiting() }
                }
                let counts = queue.counts
                #expect(counts.produced == counts.sent + counts.failed + counts.dropped + counts.rejected + UInt64(queue.queued), "seed \(seed)")
                #expect(queue.queued <= max(queue.capacity, queue.inFlight), "seed \(seed)")
            }
        }
    }

    @Test("a batch is taken once: no second batch while one is in flight, the oldest go first, and a batch keeps to its span limit")
    func batches() {
        var queue = SpanQueue<String>(capacity: 9)
        for name in ["a", "b", "c", "d", "e"] { queue.append(name, spans: 3) }
        #expect(queue.counts.dropped == 6 && queue.queued == 9)
        let batch = queue.takeBatch(limit: 7)
        #expect(batch == ["c", "d"])
        let second = queue.takeBatch(limit: 7)
        #expect(second == nil)
        queue.append("f", spans: 3)  // the six in flight and "e" leave no room: "e" goes
        #expect(queue.counts.dropped == 9 && queue.queued == 9)
        queue.settle(delivered: true, rejected: 1)
        #expect(queue.counts.sent == 5 && queue.counts.rejected == 1)
        queue.append("huge", spans: 20)  // larger than the queue: it drops what waits, and itself
        #expect(queue.queued == 0 && queue.counts.dropped == 32)
        queue.append("g", spans: 2)
        let single = queue.takeBatch(limit: 1)
        #expect(single == ["g"], "one item always fits, whatever the limit")
    }

    @Test("answers: 2xx accepted with its partial success, 429 and 502-504 retried, every other status refused")
    func answers() {
        for status in [429, 502, 503, 504] {
            #expect(OTLPResponse(status: status, retryAfter: nil, body: []) == .retryable(retryAfter: nil, reason: "HTTP \(status)"))
        }
        for status in [400, 401, 403, 404, 413, 500, 501, 505] {
            #expect(OTLPResponse(status: status, retryAfter: "1", body: []) == .refused(reason: "HTTP \(status)"))
        }
        #expect(OTLPResponse(status: 429, retryAfter: "2", body: []) == .retryable(retryAfter: 2, reason: "HTTP 429"))
        // ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "x" } }
        let partial: [UInt8] = [0x0A, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78]
        #expect(OTLPResponse(status: 200, retryAfter: nil, body: partial) == .accepted(rejected: 3))
        #expect(OTLPResponse(status: 200, retryAfter: nil, body: []) == .accepted(rejected: 0))
    }

    @Test("hostile Retry-After values and response bodies never trap", arguments: ["-1", "9223372036854775808", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT", "", " 7 "])
    func hostileRetryAfter(_ text: String) {
        let seconds = OTLPResponse.seconds(text)
        #expect(seconds == nil || (0...3600).contains(seconds!))
        #expect(OTLPResponse.seconds("99999") == 3600 && OTLPResponse.seconds(" 7 ") == 7)
    }

    @Test("any bytes as a response body read as some rejected count, never a crash")
    func randomBodies() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let body = (0..<Int.random(in: 0...24, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = OTLPResponse.rejectedCount(body)
        }
        #expect(OTLPResponse.rejectedCount([0x0A, 0x0B, 0x08]) == 0, "a length past the end")
        #expect(OTLPResponse.rejectedCount([0x0A, 0x0A] + Array(repeating: 0xFF, count: 10)) == 0, "a varint past 64 bits")
    }

    @Test("backoff doubles up to the maximum with jitter; Retry-After is honoured up to its bound")
    func backoff() {
        let policy = OTLPRetryPolicy(initial: .milliseconds(100), maximum: .seconds(1), longestRetryAfter: .seconds(30))
        var random = SplitMix64(seed: 3)
        for retry in 1...40 {
            let wait = policy.wait(beforeRetry: retry, retryAfter: nil, using: &random)
            let ceiling = min(Duration.milliseconds(100) * (1 << min(retry - 1, 20)), .seconds(1))
            #expect(wait >= ceiling / 2 - .milliseconds(1) && wait <= ceiling)
        }
        #expect(policy.wait(beforeRetry: 1, retryAfter: 2, using: &random) == .seconds(2))
        #expect(policy.wait(beforeRetry: 1, retryAfter: 3600, using: &random) == .seconds(30))
    }

    static func store(_ traces: [RequestTrace], mapping: OrgMapping) -> TelemetryStore {
        let store = TelemetryStore()
        store.ingest(RingBatch(traces: traces, dropped: 0, nextCursor: 0, written: UInt64(traces.count), capacity: 16), from: "test", mapping: mapping, scrapeDuration: .zero)
        return store
    }

    @Test("a trace with every number at its extreme encodes without trapping, into spans and metric points")
    func hostileTrace() {
        var trace = RequestTrace(traceID: TraceID(high: .max, low: .max), startUnixNanos: .max, operation: "chat")
        trace.durationNanos = .max
        trace.timeToFirstTokenNanos = .max
        trace.costMicroUSD = .min
        trace.inputTokens = .max
        trace.outputTokens = .max
        trace.attempts = .max
        trace.status = .max
        trace.provider = "p"
        trace.projectID = "chat"
        trace.parentSpanID = SpanID(.max)
        for _ in 0..<RequestTrace.maxGates {
            trace.append(GateSpan(gate: "upstream", decision: .error, reason: "upstream_timeout", startOffsetNanos: .max, durationNanos: .max))
        }
        for _ in 0..<RequestTrace.maxFindings {
            trace.append(GuardrailFinding(direction: .input, check: .pii, action: .redact, type: "email", message: 1, count: .max))
        }
        let exported = ExportedTrace(trace: trace, org: "acme", providerKind: "openai", serverAddress: "h")
        #expect(exported.spanCount == 1 + RequestTrace.maxGates + 1)
        let resource = OTLPResource(serviceName: "gateway", instanceID: "i")
        #expect(OTLPTraceEncoding.request([exported, exported], resource: resource).count > 0)
        var costly = trace
        costly.costMicroUSD = .max
        let mapping = OrgMapping(orgByProject: ["chat": "acme"], orgs: ["acme"], providers: ["p"], providerKinds: ["p": "openai"])
        let store = Self.store([trace, costly, costly], mapping: mapping)
        let request = OTLPMetrics.request(store: store, org: "acme", providerKinds: mapping.providerKinds, resource: resource, startUnixNanos: 1, nowUnixNanos: .max)
        #expect(request?.points ?? 0 > 0)
    }

    @Test("an org's metric request holds its own series only; the platform's holds every org's")
    func metricsByOrg() throws {
        var acme = RequestTrace(traceID: .next(), startUnixNanos: 5, operation: "chat")
        acme.status = 200
        acme.attempts = 1
        acme.provider = "p"
        acme.inputTokens = 10
        acme.costMicroUSD = 3
        acme.projectID = "chat"
        acme.requestedModel = "gpt"
        acme.append(GateSpan(gate: "key-auth", decision: .pass, startOffsetNanos: 0, durationNanos: 1))
        var globex = acme
        globex.projectID = "shop"
        let mapping = OrgMapping(orgByProject: ["chat": "acme", "shop": "globex"], orgs: ["acme", "globex"], models: ["gpt"], providers: ["p"])
        let store = Self.store([acme, globex, globex], mapping: mapping)
        let resource = OTLPResource(serviceName: "gateway", instanceID: "i")
        func request(_ org: String?) -> (bytes: [UInt8], points: Int)? {
            OTLPMetrics.request(store: store, org: org, providerKinds: ["p": "openai"], resource: resource, startUnixNanos: 1, nowUnixNanos: 9)
        }
        let own = try #require(request("acme"))
        let all = try #require(request(nil))
        // Per org: input and output token usage, duration, requests, one gate decision, cost.
        #expect(own.points == 6 && all.points == 12)
        #expect(request("initech") == nil)
        #expect(!own.bytes.contains(subsequence: Array("globex".utf8)) && all.bytes.contains(subsequence: Array("globex".utf8)))
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
