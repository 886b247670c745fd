import GatewayModel
import Synchronization
import Telemetry

/// The cumulative metrics exported over OTLP, read from the collector's store when an export is
/// due (recording adds nothing per trace): `gen_ai.client.token.usage`,
/// `gen_ai.client.operation.duration`, `gen_ai.server.time_to_first_token` (histograms with the
/// GenAI conventions' bounds), and the counters `gateway.requests`, `gateway.gate.decisions` and
/// `gateway.cost`. Every series belongs to one org, so an org's destination is sent its own points
/// and nothing else; attribute values are bounded as the Prometheus labels are.
enum OTLPMetrics {
    /// An `ExportMetricsServiceRequest` of the series of `org` (every org's when nil) in `store`,
    /// cumulative since `startUnixNanos`, at `nowUnixNanos`, and how many data points it holds; nil
    /// when there are none. `providerKinds` names each provider's kind.
    static func request(
        store: TelemetryStore, org: String?, providerKinds: [String: String], resource: OTLPResource, startUnixNanos: UInt64, nowUnixNanos: UInt64
    ) -> (bytes: [UInt8], points: Int)? {
        typealias Name = TelemetryStore.Name
        let (families, sums) = store.state.withLock { state in
            ([Name.requests, Name.gateDecisions, Name.cost].map { state.families[family: $0] }, state.requestSums)
        }
        let owned = sums.filter { org == nil || $0.key.org == org }.sorted { "\($0.key)" < "\($1.key)" }
        var scope = ProtobufWriter(capacity: 8192)
        var points = 0
        resource.writeScope(1, to: &scope)

        func genAI(_ key: BatchTally.RequestKey, tokenType: String? = nil) -> [OTLPAttribute] {
            var attributes = [
                OTLPAttribute("gateway.org", key.org), OTLPAttribute("gateway.project", key.project), OTLPAttribute("gen_ai.request.model", key.model),
                OTLPAttribute("gen_ai.operation.name", key.operation),
            ]
            if let kind = providerKinds[key.provider] { attributes.append(OTLPAttribute("gen_ai.provider.name", kind)) }
            if let tokenType { attributes.append(OTLPAttribute("gen_ai.token.type", tokenType)) }
            return attributes
        }
        var tokens: [([OTLPAttribute], Histogram)] = []
        var durations: [([OTLPAttribute], Histogram)] = []
        var firstTokens: [([OTLPAttribute], Histogram)] = []
        for (key, sum) in owned {
            if let input = sum.inputTokenUsage { tokens.append((genAI(key, tokenType: "input"), input)) }
            if let output = sum.outputTokenUsage { tokens.append((genAI(key, tokenType: "output"), output)) }
            let failed = key.status >= 400 ? [OTLPAttribute("error.type", String(key.status))] : []
            durations.append((genAI(key) + failed, sum.duration))
            if let first = sum.timeToFirstToken { firstTokens.append((genAI(key), first)) }
        }
        for (name, description, unit, series) in [
            ("gen_ai.client.token.usage", "Measures number of input and output tokens used", "{token}", merged(tokens)),
            ("gen_ai.client.operation.duration", "GenAI operation duration", "s", merged(durations)),
            ("gen_ai.server.time_to_first_token", "Time to generate first token for successful responses", "s", merged(firstTokens)),
        ] where !series.isEmpty {
            points += series.count
            metric(name, description, unit, in: &scope) { metric in
                metric.message(9) { histogram in
                    for (attributes, value) in series {
                        histogram.message(1) { point in
                            for attribute in attributes { attribute.write(9, to: &point) }
                            point.fixed64(2, startUnixNanos)
                            point.fixed64(3, nowUnixNanos)
                            point.fixed64(4, value.count)
                            point.double(5, value.sum)
                            point.packedFixed64(6, value.counts)
                            point.packedDouble(7, value.bounds)
                        }
                    }
                    histogram.varint(2, 2)  // AGGREGATION_TEMPORALITY_CUMULATIVE
                }
            }
        }

        // The counters are the Prometheus families' series, renamed: each label an attribute.
        let counters: [(String, String, String, MetricFamily, [String])] = [
            ("gateway.requests", "Requests by status and the gate that decided", "{request}", families[0],
             ["gateway.org", "gateway.project", "gen_ai.request.model", "http.response.status_code", "gateway.gate"]),
            ("gateway.gate.decisions", "Gate evaluations by decision and reason", "{decision}", families[1],
             ["gateway.org", "gateway.project", "gateway.gate", "gateway.decision", "gateway.reason"]),
            ("gateway.cost", "What requests cost", "USD", families[2], ["gateway.org", "gateway.project", "gen_ai.request.model"]),
        ]
        for (name, description, unit, family, keys) in counters {
            let series = family.values.filter { org == nil || $0.key.first == org }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            guard !series.isEmpty else { continue }
            points += series.count
            metric(name, description, unit, in: &scope) { metric in
                metric.message(7) { sum in
                    for (labels, value) in series {
                        sum.message(1) { point in
                            for (key, label) in zip(keys, labels) {
                                if key == "http.response.status_code", let code = Int64(label) {
                                    point.attribute(7, key, .int(code))
                                } else {
                                    point.attribute(7, key, .string(label))
                                }
                            }
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
        var request = ProtobufWriter(capacity: scope.count + 256)
        request.message(1) { resourceMetrics in
            resource.write(1, to: &resourceMetrics)
            resourceMetrics.message(2) { $0.append(scope) }
        }
        return (request.bytes, points)
    }

    /// A `Metric` as field 2 of a `ScopeMetrics`; `data` writes its histogram or sum.
    private static func metric(
        _ name: String, _ description: String, _ unit: String, in scope: inout ProtobufWriter, data: (inout ProtobufWriter) -> Void
    ) {
        scope.message(2) { metric in
            metric.string(1, name)
            metric.string(2, description)
            metric.string(3, unit)
            data(&metric)
        }
    }

    /// Histograms of series with equal attributes added together (request series differ in
    /// labels, such as the deciding gate, that a GenAI metric does not carry).
    private static func merged(_ series: [([OTLPAttribute], Histogram)]) -> [([OTLPAttribute], Histogram)] {
        var order: [[OTLPAttribute]] = []
        var totals: [[OTLPAttribute]: Histogram] = [:]
        for (attributes, histogram) in series {
            if totals[attributes] == nil {
                order.append(attributes)
                totals[attributes] = histogram
            } else {
                totals[attributes]!.merge(histogram)
            }
        }
        return order.map { ($0, totals[$0]!) }
    }
}
