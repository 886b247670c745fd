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
            var queue = SpanQueue(capacity: Int.random(in: 1...64, using: &random))
            for _ in 0..<300 {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: queue.append(Array(repeating: [1, 2, 3], count: Int.random(in: 0...40, using: &random)))
                case 1: _ = queue.takeBatch(limit: Int.random(in: 1...20, using: &random))
                case 2: queue.settle(delivered: Bool.random(using: &random), rejected: Int.random(in: -5...30, using: &random))
                default: if Int.random(in: 0..<20, using: &random) == 0 { queue.failWaiting() }
                }
                let counts = queue.counts
                #expect(counts.produced == counts.sent + counts.failed + counts.dropped + counts.rejected + UInt64(queue.queued), "seed \(seed)")
                #expect(queue.queued <= max(queue.capacity, queue.inFlight), "seed \(seed)")
            }
        }
    }

    @Test("a batch is taken once: no second batch while one is in flight, and the oldest spans go first")
    func batches() {
        var queue = SpanQueue(capacity: 3)
        queue.append([[1], [2], [3], [4], [5]])
        #expect(queue.counts.dropped == 2)
        let batch = queue.takeBatch(limit: 2).map(Array.init)
        #expect(batch == [[3], [4]])
        let second = queue.takeBatch(limit: 2)
        #expect(second == nil)
        queue.append([[6], [7]])  // room for one beside the two in flight and the one waiting
        #expect(queue.counts.dropped == 4 && queue.queued == 3)
        queue.settle(delivered: true, rejected: 1)
        #expect(queue.counts.sent == 1 && queue.counts.rejected == 1)
        let last = queue.takeBatch(limit: 10).map(Array.init)
        #expect(last == [[7]])
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
        trace.parentSpanID = SpanID(.max)
        for _ in 0..<RequestTrace.maxGates {
            trace.append(GateSpan(gate: "upstream", decision: .error, reason: "upstream_timeout", startOffsetNanos: .max, durationNanos: .max))
        }
        for _ in 0..<RequestTrace.maxFindings {
            trace.append(GuardrailFinding(direction: .input, check: .pii, action: .redact, type: "email", message: 1, count: .max))
        }
        let spans = OTLPTraceEncoding.spans(of: trace, org: "acme", mapping: OrgMapping(orgByProject: [:], orgs: ["acme"]))
        #expect(spans.count == 1 + RequestTrace.maxGates + 1)
        let metrics = OTLPMetrics(startUnixNanos: 1)
        metrics.record(trace, org: "acme", project: "p", model: "m", providerKind: "openai")
        trace.costMicroUSD = .max
        metrics.record(trace, org: "acme", project: "p", model: "m", providerKind: "openai")
        metrics.record(trace, org: "acme", project: "p", model: "m", providerKind: "openai")
        let resource = OTLPResource(serviceName: "gateway", instanceID: "i")
        #expect(metrics.request(org: "acme", resource: resource, nowUnixNanos: .max)?.points ?? 0 > 0)
    }

    @Test("an org's metric request holds its own series only; the platform's holds every org's")
    func metricsByOrg() throws {
        let metrics = OTLPMetrics(startUnixNanos: 1)
        var trace = RequestTrace(traceID: .next(), startUnixNanos: 5, operation: "chat")
        trace.status = 200
        trace.attempts = 1
        trace.inputTokens = 10
        trace.costMicroUSD = 3
        trace.append(GateSpan(gate: "key-auth", decision: .pass, startOffsetNanos: 0, durationNanos: 1))
        metrics.record(trace, org: "acme", project: "chat", model: "gpt", providerKind: "openai")
        metrics.record(trace, org: "globex", project: "shop", model: "gpt", providerKind: "openai")
        let resource = OTLPResource(serviceName: "gateway", instanceID: "i")
        let acme = try #require(metrics.request(org: "acme", resource: resource, nowUnixNanos: 9))
        let both = try #require(metrics.request(org: nil, resource: resource, nowUnixNanos: 9))
        // Per org: input and output token usage, duration, requests, one gate decision, cost.
        #expect(acme.points == 6 && both.points == 12)
        #expect(metrics.request(org: "initech", resource: resource, nowUnixNanos: 9) == nil)
        #expect(!acme.bytes.contains(subsequence: Array("globex".utf8)) && both.bytes.contains(subsequence: Array("globex".utf8)))
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
