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
        // The trace is read where it lies in its batch: a parameter borrows it, where a local
        // constant would copy it (and retain each of its strings).
        exported.batch.traces.withUnsafeBufferPointer { traces in
            writeSpans(of: traces[exported.index], exported.batch.tags[exported.tag], to: &scope)
        }
    }

    /// Writes the spans of `trace`, tagged with `tags`.
    private static func writeSpans(of trace: RequestTrace, _ tags: ExportBatch.Tags, to scope: inout ProtobufWriter) {
        let start = trace.startUnixNanos
        let end = start.addingReportingOverflow(trace.durationNanos).overflow ? UInt64.max : start + trace.durationNanos
        let root = trace.rootSpanID.value
        let tried = trace.attempts > 0

        let isMCP = trace.operation == "mcp"
        // `{operation} {model}`, or the operation alone without a model.
        let name = (trace.operation, trace.requestedModel)
        // Spans are begun and ended around their attributes rather than written by a closure,
        // which would take the trace (a copy, retaining each of its strings).
        let rootSpan = beginSpan(trace.traceID, id: root, parent: trace.parentSpanID?.value, name: name, kind: .server, start: start, end: end, to: &scope)
        scope.attribute(9, "gen_ai.operation.name", trace.operation)
        scope.attribute(9, "gateway.org", tags.org)
        scope.attribute(9, "http.response.status_code", Int64(trace.status))
        scope.attribute(9, "gateway.cost.usd", Double(max(0, trace.costMicroUSD)) / 1e6)
        if isMCP {
            // An MCP trace holds the method, tool and server where a model request holds its models and provider.
            if !trace.requestedModel.isEmpty { scope.attribute(9, "mcp.method.name", trace.requestedModel) }
            if !trace.routedModel.isEmpty { scope.attribute(9, "gen_ai.tool.name", trace.routedModel) }
            if !trace.provider.isEmpty { scope.attribute(9, "gateway.mcp.server", trace.provider) }
        } else if !trace.requestedModel.isEmpty {
            scope.attribute(9, "gen_ai.request.model", trace.requestedModel)
        }
        if !trace.projectID.isEmpty { scope.attribute(9, "gateway.project", trace.projectID) }
        if !trace.keyID.isEmpty { scope.attribute(9, "gateway.key.id", trace.keyID) }
        if let gate = trace.decidingGate { scope.attribute(9, "gateway.gate", gate.gate) }
        if !trace.reason.isEmpty { scope.attribute(9, "gateway.reason", trace.reason) }
        if trace.status >= 400 { scope.attribute(9, "error.type", trace.reason.isEmpty ? String(trace.status) : trace.reason) }
        if tried && !isMCP {
            if let kind = tags.providerKind { scope.attribute(9, "gen_ai.provider.name", kind) }
            scope.attribute(9, "gateway.provider", trace.provider)
            scope.attribute(9, "gen_ai.response.model", trace.routedModel)
            scope.attribute(9, "gen_ai.request.stream", trace.streamed)
            scope.attribute(9, "gen_ai.usage.input_tokens", Int64(trace.inputTokens))
            scope.attribute(9, "gen_ai.usage.output_tokens", Int64(trace.outputTokens))
            scope.attribute(9, "gen_ai.usage.cache_read.input_tokens", Int64(trace.cachedInputTokens))
        }
        if trace.costFlags.contains(.estimated) { scope.attribute(9, "gateway.cost.estimated", true) }
        if trace.costFlags.contains(.unpriced) { scope.attribute(9, "gateway.cost.unpriced", true) }
        if trace.findingCount > 0 {
            var total: Int64 = 0
            for index in 0..<trace.findingCount { total &+= Int64(trace.finding(at: index).count) }
            scope.attribute(9, "gateway.guardrail.findings", total)
        }
        endSpan(rootSpan, error: trace.status >= 500 ? trace.reason : nil, to: &scope)

        var upstreamStart = start
        var upstreamFailure: String?
        for index in 0..<trace.gateCount {
            let gate = trace.gate(at: index)
            let gateStart = start &+ gate.startOffsetNanos
            if gate.gate == "upstream" {
                upstreamStart = gateStart
                if gate.decision == .error { upstreamFailure = gate.reason }
            }
            let gateSpan = beginSpan(
                trace.traceID, id: trace.gateSpanID(at: index).value, parent: root, name: ("gate", gate.gate), kind: .internal, start: gateStart,
                end: gateStart &+ gate.durationNanos, to: &scope)
            scope.attribute(9, "gateway.gate", gate.gate)
            scope.attribute(9, "gateway.decision", gate.decision.description)
            if !gate.reason.isEmpty { scope.attribute(9, "gateway.reason", gate.reason) }
            endSpan(gateSpan, error: gate.decision == .error ? gate.reason : nil, to: &scope)
        }

        guard tried else { return }
        let upstreamSpan = beginSpan(
            trace.traceID, id: trace.upstreamSpanID.value, parent: root, name: isMCP ? name : (trace.operation, trace.routedModel), kind: .client,
            start: upstreamStart, end: end, to: &scope)
        scope.attribute(9, "gen_ai.operation.name", trace.operation)
        if isMCP {
            scope.attribute(9, "gateway.mcp.server", trace.provider)
        } else {
            scope.attribute(9, "gen_ai.request.model", trace.routedModel)
            scope.attribute(9, "gateway.provider", trace.provider)
        }
        scope.attribute(9, "gateway.upstream.attempts", Int64(trace.attempts))
        if let kind = tags.providerKind { scope.attribute(9, "gen_ai.provider.name", kind) }
        if let host = tags.serverAddress { scope.attribute(9, "server.address", host) }
        if trace.timeToFirstTokenNanos > 0 {
            scope.attribute(9, "gen_ai.response.time_to_first_chunk", Double(trace.timeToFirstTokenNanos) / 1e9)
        }
        endSpan(upstreamSpan, error: upstreamFailure, to: &scope)
    }

    /// Begins a `Span` as field 2 of the enclosing `ScopeSpans`, named by the two parts of
    /// `name` joined by a space (the first alone when the second is empty); its attributes follow,
    /// and ``endSpan(_:error:to:)`` ends it. Returns where its body starts.
    private static func beginSpan(
        _ traceID: TraceID, id: UInt64, parent: UInt64?, name: (String, String), kind: Kind, start: UInt64, end: UInt64, to scope: inout ProtobufWriter
    ) -> Int {
        let body = scope.beginMessage(2)
        scope.id(1, traceID.high, traceID.low)
        scope.id(2, id)
        if let parent { scope.id(4, parent) }
        if name.1.isEmpty { scope.string(5, name.0) } else { scope.string(5, name.0, name.1) }
        scope.varint(6, kind.rawValue)
        scope.fixed64(7, start)
        scope.fixed64(8, max(start, end))
        return body
    }

    /// Ends the span whose body starts at `body`; `error` sets an error status.
    private static func endSpan(_ body: Int, error: String?, to scope: inout ProtobufWriter) {
        if let error {
            scope.message(15) { status in
                status.string(2, error)
                status.varint(3, 2)  // STATUS_CODE_ERROR
            }
        }
        scope.endMessage(body)
    }
}
