import Telemetry

/// The spans of requests in OTLP form: per request a SERVER root span named `{operation} {model}`
/// with the GenAI and gateway attributes, an INTERNAL span per gate evaluated, and a CLIENT span
/// for the exchange with the provider when one was tried.
enum OTLPTraceEncoding {
    enum Kind: UInt64 {
        case `internal` = 1
        case server = 2
        case client = 3
    }

    /// An `ExportTraceServiceRequest` of the spans of `traces` under `resource`.
    static func request(_ traces: [ExportedTrace], resource: OTLPResource) -> [UInt8] {
        var request = ProtobufWriter(capacity: traces.count * 2048)
        request.message(1) { resourceSpans in
            resource.write(1, to: &resourceSpans)
            resourceSpans.message(2) { scopeSpans in
                resource.writeScope(1, to: &scopeSpans)
                for exported in traces { writeSpans(of: exported, to: &scopeSpans) }
            }
        }
        return request.bytes
    }

    /// Writes the spans of `exported` as `spans` fields (2) of a `ScopeSpans`.
    static func writeSpans(of exported: ExportedTrace, to scope: inout ProtobufWriter) {
        let trace = exported.trace
        let start = trace.startUnixNanos
        let end = start.addingReportingOverflow(trace.durationNanos).overflow ? UInt64.max : start + trace.durationNanos
        let root = trace.rootSpanID.value
        let tried = trace.attempts > 0

        let isMCP = trace.operation == "mcp"
        let name = trace.requestedModel.isEmpty ? trace.operation : "\(trace.operation) \(trace.requestedModel)"
        span(trace, id: root, parent: trace.parentSpanID?.value, name: name, kind: .server, start: start, end: end,
             error: trace.status >= 500 ? trace.reason : nil, to: &scope) { span in
            span.attribute(9, "gen_ai.operation.name", .string(trace.operation))
            span.attribute(9, "gateway.org", .string(exported.org))
            span.attribute(9, "http.response.status_code", .int(Int64(trace.status)))
            span.attribute(9, "gateway.cost.usd", .double(Double(max(0, trace.costMicroUSD)) / 1e6))
            if isMCP {
                // An MCP trace holds the method, tool and server where a model request holds its models and provider.
                if !trace.requestedModel.isEmpty { span.attribute(9, "mcp.method.name", .string(trace.requestedModel)) }
                if !trace.routedModel.isEmpty { span.attribute(9, "gen_ai.tool.name", .string(trace.routedModel)) }
                if !trace.provider.isEmpty { span.attribute(9, "gateway.mcp.server", .string(trace.provider)) }
            } else if !trace.requestedModel.isEmpty {
                span.attribute(9, "gen_ai.request.model", .string(trace.requestedModel))
            }
            if !trace.projectID.isEmpty { span.attribute(9, "gateway.project", .string(trace.projectID)) }
            if !trace.keyID.isEmpty { span.attribute(9, "gateway.key.id", .string(trace.keyID)) }
            if let gate = trace.decidingGate { span.attribute(9, "gateway.gate", .string(gate.gate)) }
            if !trace.reason.isEmpty { span.attribute(9, "gateway.reason", .string(trace.reason)) }
            if trace.status >= 400 { span.attribute(9, "error.type", .string(trace.reason.isEmpty ? String(trace.status) : trace.reason)) }
            if tried && !isMCP {
                if let kind = exported.providerKind { span.attribute(9, "gen_ai.provider.name", .string(kind)) }
                span.attribute(9, "gateway.provider", .string(trace.provider))
                span.attribute(9, "gen_ai.response.model", .string(trace.routedModel))
                span.attribute(9, "gen_ai.request.stream", .bool(trace.streamed))
                span.attribute(9, "gen_ai.usage.input_tokens", .int(Int64(trace.inputTokens)))
                span.attribute(9, "gen_ai.usage.output_tokens", .int(Int64(trace.outputTokens)))
                span.attribute(9, "gen_ai.usage.cache_read.input_tokens", .int(Int64(trace.cachedInputTokens)))
            }
            if trace.costFlags.contains(.estimated) { span.attribute(9, "gateway.cost.estimated", .bool(true)) }
            if trace.costFlags.contains(.unpriced) { span.attribute(9, "gateway.cost.unpriced", .bool(true)) }
            if trace.findingCount > 0 {
                var total: Int64 = 0
                for index in 0..<trace.findingCount { total &+= Int64(trace.finding(at: index).count) }
                span.attribute(9, "gateway.guardrail.findings", .int(total))
            }
        }

        var upstreamStart = start
        var upstreamFailure: String?
        for index in 0..<trace.gateCount {
            let gate = trace.gate(at: index)
            let gateStart = start &+ gate.startOffsetNanos
            if gate.gate == "upstream" {
                upstreamStart = gateStart
                if gate.decision == .error { upstreamFailure = gate.reason }
            }
            span(trace, id: trace.gateSpanID(at: index).value, parent: root, name: "gate \(gate.gate)", kind: .internal, start: gateStart,
                 end: gateStart &+ gate.durationNanos, error: gate.decision == .error ? gate.reason : nil, to: &scope) { span in
                span.attribute(9, "gateway.gate", .string(gate.gate))
                span.attribute(9, "gateway.decision", .string(gate.decision.description))
                if !gate.reason.isEmpty { span.attribute(9, "gateway.reason", .string(gate.reason)) }
            }
        }

        guard tried else { return }
        span(trace, id: trace.upstreamSpanID.value, parent: root, name: isMCP ? name : "\(trace.operation) \(trace.routedModel)", kind: .client,
             start: upstreamStart, end: end, error: upstreamFailure, to: &scope) { span in
            span.attribute(9, "gen_ai.operation.name", .string(trace.operation))
            if isMCP {
                span.attribute(9, "gateway.mcp.server", .string(trace.provider))
            } else {
                span.attribute(9, "gen_ai.request.model", .string(trace.routedModel))
                span.attribute(9, "gateway.provider", .string(trace.provider))
            }
            span.attribute(9, "gateway.upstream.attempts", .int(Int64(trace.attempts)))
            if let kind = exported.providerKind { span.attribute(9, "gen_ai.provider.name", .string(kind)) }
            if let host = exported.serverAddress { span.attribute(9, "server.address", .string(host)) }
            if trace.timeToFirstTokenNanos > 0 {
                span.attribute(9, "gen_ai.response.time_to_first_chunk", .double(Double(trace.timeToFirstTokenNanos) / 1e9))
            }
        }
    }

    /// One `Span` as field 2 of the enclosing `ScopeSpans`; `attributes` writes its attributes, `error` sets an error status.
    private static func span(
        _ trace: RequestTrace, id: UInt64, parent: UInt64?, name: String, kind: Kind, start: UInt64, end: UInt64, error: String?,
        to scope: inout ProtobufWriter, attributes: (inout ProtobufWriter) -> Void
    ) {
        scope.message(2) { span in
            span.id(1, trace.traceID.high, trace.traceID.low)
            span.id(2, id)
            if let parent { span.id(4, parent) }
            span.string(5, name)
            span.varint(6, kind.rawValue)
            span.fixed64(7, start)
            span.fixed64(8, max(start, end))
            attributes(&span)
            if let error {
                span.message(15) { status in
                    status.string(2, error)
                    status.varint(3, 2)  // STATUS_CODE_ERROR
                }
            }
        }
    }
}
