import GatewayModel
import Telemetry
import WireJSON

/// The metric sums of one batch of traces, by series.
///
/// Traces from steady traffic fall into few series, so a batch is summed by plain keys first and
/// each metric series is then updated once per batch, not once per trace: no label array is built
/// and no family is looked up per trace, and a key the previous trace used is found without
/// hashing (``SeriesTally``).
struct BatchTally: ~Copyable {
    /// The series of a request's own metrics (the operation and provider besides the Prometheus
    /// labels, for the GenAI metrics exported over OTLP).
    struct RequestKey: Hashable {
        let org: String
        let project: String
        let model: String
        let status: UInt16
        let decided: String
        let provider: String
        let operation: String
    }

    /// What the requests of one ``RequestKey`` add up to.
    struct RequestSums {
        var count = 0.0
        var inputTokens = 0.0
        var cachedInputTokens = 0.0
        var outputTokens = 0.0
        var costMicroUSD: Int64 = 0
        var unpriced = 0.0
        var estimated = 0.0
        var usageInvalid = 0.0
        var duration = Histogram(bounds: Histogram.Buckets.operation)
        var timeToFirstToken: Histogram?
        var upstream: Histogram?
        /// Input and output tokens per request that reached a provider (`gen_ai.client.token.usage`).
        var inputTokenUsage: Histogram?
        var outputTokenUsage: Histogram?
    }

    /// The series of one gate decision.
    struct GateKey: Hashable {
        let org: String
        let project: String
        let gate: String
        let decision: Decision
        let reason: String
    }

    /// The series of one gate's timing.
    struct GateTimeKey: Hashable {
        let org: String
        let gate: String
    }

    /// The series of guardrail findings.
    struct FindingKey: Hashable {
        let org: String
        let project: String
        let direction: GuardrailFinding.Direction
        let check: GuardrailFinding.Check
        let action: GuardrailFinding.Action
    }

    /// The series of an MCP request.
    struct MCPKey: Hashable {
        let org: String
        let project: String
        let labels: TraceLabels.MCP
        let outcome: String
    }

    private var requests = SeriesTally<RequestKey, RequestSums>()
    private var mcp = SeriesTally<MCPKey, Histogram>()
    private var findings = SeriesTally<FindingKey, Double>()
    private var gates = SeriesTally<GateKey, Double>()
    private var gateTimes = SeriesTally<GateTimeKey, Histogram>()

    /// Adds the trace `trace` points to, already tagged: `project`, `model` and `provider` are the
    /// bounded label values (`provider` empty when no provider was tried). The trace is read in
    /// place, a field at a time: a borrow of the whole trace across the calls here would be a copy.
    mutating func add(
        _ trace: UnsafePointer<RequestTrace>, org: String, project: String, model: String, provider: String, mcp labels: TraceLabels.MCP? = nil
    ) {
        if let labels {
            let reason = trace.pointee.reason
            let outcome = trace.pointee.status < 400 && reason.isEmpty ? "ok" : ReasonCode(reading: reason.isEmpty ? "other" : reason).rawValue
            mcp.update(MCPKey(org: org, project: project, labels: labels, outcome: outcome), make: { Histogram(bounds: Histogram.Buckets.operation) }) {
                $0.observe(Double(trace.pointee.durationNanos) / 1e9)
            }
        }
        // The spans are read where they lie: a span taken whole copies and retains its strings.
        let spans = RequestTrace.gateSpans(of: trace)
        for index in spans.indices {
            let span = spans.baseAddress! + index
            gates.update(
                position: index,
                matches: {
                    $0.pointee.gate == span.pointee.gate && $0.pointee.reason == span.pointee.reason && $0.pointee.decision == span.pointee.decision
                        && $0.pointee.org == org && $0.pointee.project == project
                },
                key: { GateKey(org: org, project: project, gate: span.pointee.gate, decision: span.pointee.decision, reason: span.pointee.reason) },
                make: { 0 }
            ) { $0 += 1 }
            gateTimes.update(
                position: index, matches: { $0.pointee.gate == span.pointee.gate && $0.pointee.org == org },
                key: { GateTimeKey(org: org, gate: span.pointee.gate) }, make: { Histogram(bounds: Histogram.Buckets.gate) }
            ) { $0.observe(Double(span.pointee.durationNanos) / 1e9) }
        }
        for index in 0..<trace.pointee.findingCount {
            let finding = trace.pointee.finding(at: index)
            findings.update(
                FindingKey(org: org, project: project, direction: finding.direction, check: finding.check, action: finding.action), position: index, make: { 0 }
            ) { $0 += Double(finding.count) }
        }
        // A trace of the series the previous one added to is matched field by field, without a key
        // built (six strings retained and released).
        let decided = spans.isEmpty ? "none" : spans[spans.count - 1].gate
        requests.update(
            position: 0,
            matches: {
                $0.pointee.status == trace.pointee.status && $0.pointee.decided == decided && $0.pointee.org == org && $0.pointee.project == project
                    && $0.pointee.model == model && $0.pointee.provider == provider && $0.pointee.operation == trace.pointee.operation
            },
            key: {
                RequestKey(
                    org: org, project: project, model: model, status: trace.pointee.status, decided: decided, provider: provider,
                    operation: trace.pointee.operation)
            }, make: { RequestSums() }
        ) { $0.add(trace, tried: !provider.isEmpty) }
    }

    /// Adds the sums to the metric families, and to `cumulative`, the sums by request series.
    func apply(to families: inout [MetricFamily], cumulative: inout [RequestKey: RequestSums]) {
        requests.forEach { key, sums in
            cumulative[key, default: RequestSums()].merge(sums)
            let series = [key.org, key.project, key.model]
            families[family: .requests].add(sums.count, series + [String(key.status), key.decided])
            let tokens = [("input", sums.inputTokens), ("cached_input", sums.cachedInputTokens), ("output", sums.outputTokens)]
            // Every type gets a series (zero included) once the series has any usage, so that a panel of one type is never empty.
            if tokens.contains(where: { $0.1 > 0 }) {
                for (type, count) in tokens { families[family: .tokens].add(count, series + [type]) }
            }
            if sums.costMicroUSD > 0 { families[family: .cost].add(Double(sums.costMicroUSD) / 1e6, series) }
            if sums.unpriced > 0 { families[family: .unpriced].add(sums.unpriced, series) }
            if sums.estimated > 0 { families[family: .estimated].add(sums.estimated, series) }
            if sums.usageInvalid > 0 { families[family: .usageInvalid].add(sums.usageInvalid, [key.org, key.provider]) }
            families[family: .requestDuration].merge(sums.duration, series)
            if let timeToFirstToken = sums.timeToFirstToken { families[family: .timeToFirstToken].merge(timeToFirstToken, series) }
            if let upstream = sums.upstream { families[family: .upstreamDuration].merge(upstream, [key.org, key.provider]) }
        }
        gates.forEach { key, count in
            families[family: .gateDecisions].add(count, [key.org, key.project, key.gate, key.decision.description, key.reason.isEmpty ? "none" : ReasonCode(reading: key.reason).rawValue])
        }
        findings.forEach { key, count in
            families[family: .guardrailFindings].add(count, [key.org, key.project, key.direction.name, key.check.name, key.action.name])
        }
        mcp.forEach { key, histogram in
            let labels = [key.org, key.project, key.labels.server, key.labels.method]
            families[family: .mcpRequests].add(Double(histogram.count), labels + [key.labels.tool, key.outcome])
            families[family: .mcpDuration].merge(histogram, labels)
        }
        gateTimes.forEach { key, histogram in
            families[family: .gateDuration].merge(histogram, [key.org, key.gate])
        }
    }
}

extension BatchTally.RequestSums {
    /// Adds the trace `trace` points to, read a field at a time (see ``BatchTally/add(_:org:project:model:provider:mcp:)``).
    mutating func add(_ trace: UnsafePointer<RequestTrace>, tried: Bool) {
        count += 1
        inputTokens += Double(trace.pointee.inputTokens)
        cachedInputTokens += Double(trace.pointee.cachedInputTokens)
        outputTokens += Double(trace.pointee.outputTokens)
        costMicroUSD = costMicroUSD.saturatingAdd(max(0, trace.pointee.costMicroUSD))
        if trace.pointee.costFlags.contains(.unpriced) { unpriced += 1 }
        if trace.pointee.costFlags.contains(.estimated) { estimated += 1 }
        if trace.pointee.costFlags.contains(.usageInvalid) { usageInvalid += 1 }
        duration.observe(Double(trace.pointee.durationNanos) / 1e9)
        if trace.pointee.timeToFirstTokenNanos > 0 {
            Self.observe(Double(trace.pointee.timeToFirstTokenNanos) / 1e9, in: &timeToFirstToken, bounds: Histogram.Buckets.timeToFirstToken)
        }
        if tried {
            Self.observe(Double(trace.pointee.upstreamNanos) / 1e9, in: &upstream, bounds: Histogram.Buckets.operation)
            Self.observe(Double(trace.pointee.inputTokens), in: &inputTokenUsage, bounds: Histogram.Buckets.tokens)
            Self.observe(Double(trace.pointee.outputTokens), in: &outputTokenUsage, bounds: Histogram.Buckets.tokens)
        }
    }

    /// Records `value` in `histogram`, made over `bounds` when nil. Changed in place through optional
    /// chaining: `histogram ?? Histogram(...)`, or a comparison with nil, copies it out first,
    /// retaining its two arrays per trace.
    private static func observe(_ value: Double, in histogram: inout Histogram?, bounds: @autoclosure () -> [Double]) {
        if histogram?.observe(value) == nil {  // nil only when there was no histogram
            histogram = Histogram(bounds: bounds())
            histogram!.observe(value)
        }
    }

    /// Adds the sums of `other`, of the same series.
    mutating func merge(_ other: Self) {
        count += other.count
        inputTokens += other.inputTokens
        cachedInputTokens += other.cachedInputTokens
        outputTokens += other.outputTokens
        costMicroUSD = costMicroUSD.saturatingAdd(other.costMicroUSD)
        unpriced += other.unpriced
        estimated += other.estimated
        usageInvalid += other.usageInvalid
        duration.merge(other.duration)
        Self.merge(other.timeToFirstToken, into: &timeToFirstToken)
        Self.merge(other.upstream, into: &upstream)
        Self.merge(other.inputTokenUsage, into: &inputTokenUsage)
        Self.merge(other.outputTokenUsage, into: &outputTokenUsage)
    }

    private static func merge(_ histogram: Histogram?, into total: inout Histogram?) {
        guard let histogram else { return }
        if total == nil { total = histogram } else { total!.merge(histogram) }
    }
}
