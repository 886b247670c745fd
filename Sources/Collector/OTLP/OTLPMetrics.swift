import GatewayModel
import Synchronization
import Telemetry
import WireJSON

/// The cumulative metrics exported over OTLP, by series, each series owned by one org so that an
/// org's destination is sent its own points and nothing else: `gen_ai.client.token.usage`,
/// `gen_ai.client.operation.duration`, `gen_ai.server.time_to_first_token` (histograms with the
/// GenAI conventions' bounds), and the counters `gateway.requests`, `gateway.gate.decisions` and
/// `gateway.cost`. Attribute values are bounded as the Prometheus labels are.
final class OTLPMetrics: Sendable {
    /// A series: its owning org and its attributes (the org among them).
    struct Series: Hashable {
        let org: String
        let attributes: [OTLPAttribute]
    }

    struct State {
        var tokenUsage: [Series: Histogram] = [:]
        var duration: [Series: Histogram] = [:]
        var timeToFirstToken: [Series: Histogram] = [:]
        var requests: [Series: UInt64] = [:]
        var decisions: [Series: UInt64] = [:]
        var costMicroUSD: [Series: Int64] = [:]
    }

    private let state = Mutex(State())
    /// When the cumulative series started, nanoseconds since the Unix epoch.
    let startUnixNanos: UInt64

    init(startUnixNanos: UInt64) {
        self.startUnixNanos = startUnixNanos
    }

    /// Adds `trace`, owned by `org`, with its bounded `project`, `model` and provider kind.
    func record(_ trace: RequestTrace, org: String, project: String, model: String, providerKind: String?) {
        let owner = [OTLPAttribute("gateway.org", org), OTLPAttribute("gateway.project", project), OTLPAttribute("gen_ai.request.model", model)]
        var operation = owner + [OTLPAttribute("gen_ai.operation.name", trace.operation)]
        if trace.attempts > 0, let providerKind { operation.append(OTLPAttribute("gen_ai.provider.name", providerKind)) }
        let decided = trace.decidingGate?.gate ?? "none"
        var timed = operation
        if trace.status >= 400 { timed.append(OTLPAttribute("error.type", trace.reason.isEmpty ? String(trace.status) : ReasonCode(reading: trace.reason).rawValue)) }
        state.withLock { state in
            if trace.attempts > 0 {
                state.tokenUsage[Series(org: org, attributes: operation + [OTLPAttribute("gen_ai.token.type", "input")]), default: Histogram(bounds: Histogram.Buckets.tokens)]
                    .observe(Double(trace.inputTokens))
                state.tokenUsage[Series(org: org, attributes: operation + [OTLPAttribute("gen_ai.token.type", "output")]), default: Histogram(bounds: Histogram.Buckets.tokens)]
                    .observe(Double(trace.outputTokens))
            }
            state.duration[Series(org: org, attributes: timed), default: Histogram(bounds: Histogram.Buckets.operation)].observe(Double(trace.durationNanos) / 1e9)
            if trace.timeToFirstTokenNanos > 0 {
                state.timeToFirstToken[Series(org: org, attributes: operation), default: Histogram(bounds: Histogram.Buckets.timeToFirstToken)]
                    .observe(Double(trace.timeToFirstTokenNanos) / 1e9)
            }
            let request = owner + [OTLPAttribute("http.response.status_code", Int64(trace.status)), OTLPAttribute("gateway.gate", decided)]
            state.requests[Series(org: org, attributes: request), default: 0] &+= 1
            for index in 0..<trace.gateCount {
                let gate = trace.gate(at: index)
                let reason = gate.reason.isEmpty ? "none" : ReasonCode(reading: gate.reason).rawValue
                let attributes = [
                    OTLPAttribute("gateway.org", org), OTLPAttribute("gateway.project", project), OTLPAttribute("gateway.gate", gate.gate),
                    OTLPAttribute("gateway.decision", gate.decision.description), OTLPAttribute("gateway.reason", reason),
                ]
                state.decisions[Series(org: org, attributes: attributes), default: 0] &+= 1
            }
            if trace.costMicroUSD > 0 {
                state.costMicroUSD[Series(org: org, attributes: owner), default: 0] = state.costMicroUSD[Series(org: org, attributes: owner), default: 0]
                    .saturatingAdd(trace.costMicroUSD)
            }
        }
    }

    /// An `ExportMetricsServiceRequest` of the series of `org` (every org's when nil) at
    /// `nowUnixNanos`, and how many data points it holds; nil when there are none.
    func request(org: String?, resource: OTLPResource, nowUnixNanos: UInt64) -> (bytes: [UInt8], points: Int)? {
        let state = state.withLock { $0 }
        func owned<Value>(_ series: [Series: Value]) -> [(Series, Value)] {
            series.filter { org == nil || $0.key.org == org }.sorted { "\($0.key.attributes)" < "\($1.key.attributes)" }
        }
        var points = 0
        var scope = ProtobufWriter(capacity: 4096)
        resource.writeScope(1, to: &scope)
        let histograms = [
            ("gen_ai.client.token.usage", "Measures number of input and output tokens used", "{token}", owned(state.tokenUsage)),
            ("gen_ai.client.operation.duration", "GenAI operation duration", "s", owned(state.duration)),
            ("gen_ai.server.time_to_first_token", "Time to generate first token for successful responses", "s", owned(state.timeToFirstToken)),
        ]
        for (name, description, unit, series) in histograms where !series.isEmpty {
            points += series.count
            scope.message(2) { metric in
                metric.string(1, name)
                metric.string(2, description)
                metric.string(3, unit)
                metric.message(9) { histogram in
                    for (key, value) in series { writeHistogramPoint(key, value, now: nowUnixNanos, to: &histogram) }
                    histogram.varint(2, 2)  // AGGREGATION_TEMPORALITY_CUMULATIVE
                }
            }
        }
        let counters: [(String, String, String, [(Series, Double)])] = [
            ("gateway.requests", "Requests answered, by status and the gate that decided", "{request}", owned(state.requests).map { ($0, Double($1)) }),
            ("gateway.gate.decisions", "Gate evaluations, by decision and reason", "{decision}", owned(state.decisions).map { ($0, Double($1)) }),
            ("gateway.cost", "What requests cost", "USD", owned(state.costMicroUSD).map { ($0, Double($1) / 1e6) }),
        ]
        for (name, description, unit, series) in counters where !series.isEmpty {
            points += series.count
            scope.message(2) { metric in
                metric.string(1, name)
                metric.string(2, description)
                metric.string(3, unit)
                metric.message(7) { sum in
                    for (key, value) in series {
                        sum.message(1) { point in
                            for attribute in key.attributes { attribute.write(7, to: &point) }
                            point.fixed64(2, startUnixNanos)
                            point.fixed64(3, nowUnixNanos)
                            point.double(4, value)
                        }
                    }
                    sum.varint(2, 2)  // AGGREGATION_TEMPORALITY_CUMULATIVE
                    sum.bool(3, true)
                }
            }
        }
        guard points > 0 else { return nil }
        var request = ProtobufWriter(capacity: scope.bytes.count + 256)
        request.message(1) { resourceMetrics in
            resource.write(1, to: &resourceMetrics)
            resourceMetrics.message(2, encoded: scope.bytes)
        }
        return (request.bytes, points)
    }

    private func writeHistogramPoint(_ series: Series, _ histogram: Histogram, now: UInt64, to writer: inout ProtobufWriter) {
        writer.message(1) { point in
            for attribute in series.attributes { attribute.write(9, to: &point) }
            point.fixed64(2, startUnixNanos)
            point.fixed64(3, now)
            point.fixed64(4, histogram.count)
            point.double(5, histogram.sum)
            point.packedFixed64(6, histogram.counts)
            point.packedDouble(7, histogram.bounds)
        }
    }
}
