import GatewayModel
import Telemetry

/// The spans of one request in OTLP form: a SERVER root span named `{operation} {model}` with the
/// GenAI and gateway attributes, an INTERNAL span per gate evaluated, and a CLIENT span for the
/// exchange with the provider when one was tried. Each span is encoded once, as a `Span` message,
/// and shared by every destination that receives it.
enum OTLPTraceEncoding {
    enum Kind: UInt64 {
        case `internal` = 1
        case server = 2
        case client = 3
    }

    /// The encoded spans of `trace`, owned by `org`; `mapping` names each provider's kind and host.
    static func spans(of trace: RequestTrace, org: String, mapping: OrgMapping) -> [[UInt8]] {
        let traceID = ProtobufWriter.idBytes(trace.traceID.high, trace.traceID.low)
        let rootID = ProtobufWriter.idBytes(trace.rootSpanID.value)
        let start = trace.startUnixNanos
        let end = start.addingReportingOverflow(trace.durationNanos).overflow ? UInt64.max : start + trace.durationNanos
        var spans: [[UInt8]] = []
        spans.reserveCapacity(trace.gateCount + 2)

        let providerKind = mapping.providerKinds[trace.provider]
        var root: [OTLPAttribute] = [
            OTLPAttribute("gen_ai.operation.name", trace.operation),
            OTLPAttribute("gateway.org", org),
            OTLPAttribute("http.response.status_code", Int64(trace.status)),
            OTLPAttribute("gateway.cost.usd", Double(max(0, trace.costMicroUSD)) / 1e6),
        ]
        if !trace.requestedModel.isEmpty { root.append(OTLPAttribute("gen_ai.request.model", trace.requestedModel)) }
        if !trace.projectID.isEmpty { root.append(OTLPAttribute("gateway.project", trace.projectID)) }
        if !trace.keyID.isEmpty { root.append(OTLPAttribute("gateway.key.id", trace.keyID)) }
        if let gate = trace.decidingGate { root.append(OTLPAttribute("gateway.gate", gate.gate)) }
        if !trace.reason.isEmpty { root.append(OTLPAttribute("gateway.reason", trace.reason)) }
        if trace.status >= 400 { root.append(OTLPAttribute("error.type", trace.reason.isEmpty ? String(trace.status) : trace.reason)) }
        if trace.attempts > 0 {
            if let providerKind { root.append(OTLPAttribute("gen_ai.provider.name", providerKind)) }
            root.append(OTLPAttribute("gateway.provider", trace.provider))
            root.append(OTLPAttribute("gen_ai.response.model", trace.routedModel))
            root.append(OTLPAttribute("gen_ai.request.stream", trace.streamed))
            root.append(OTLPAttribute("gen_ai.usage.input_tokens", Int64(trace.inputTokens)))
            root.append(OTLPAttribute("gen_ai.usage.output_tokens", Int64(trace.outputTokens)))
            root.append(OTLPAttribute("gen_ai.usage.cache_read.input_tokens", Int64(trace.cachedInputTokens)))
        }
        if trace.costFlags.contains(.estimated) { root.append(OTLPAttribute("gateway.cost.estimated", true)) }
        if trace.costFlags.contains(.unpriced) { root.append(OTLPAttribute("gateway.cost.unpriced", true)) }
        if trace.findingCount > 0 {
            var total: Int64 = 0
            for index in 0..<trace.findingCount { total &+= Int64(trace.finding(at: index).count) }
            root.append(OTLPAttribute("gateway.guardrail.findings", total))
        }
        let name = trace.requestedModel.isEmpty ? trace.operation : "\(trace.operation) \(trace.requestedModel)"
        spans.append(
            span(
                traceID: traceID, id: rootID, parent: trace.parentSpanID.map { ProtobufWriter.idBytes($0.value) } ?? [], name: name, kind: .server,
                start: start, end: end, attributes: root, error: trace.status >= 500 ? trace.reason : nil))

        var upstreamStart: UInt64?
        var upstreamFailed: String?
        for index in 0..<trace.gateCount {
            let gate = trace.gate(at: index)
            let gateStart = start &+ gate.startOffsetNanos
            var attributes = [OTLPAttribute("gateway.gate", gate.gate), OTLPAttribute("gateway.decision", gate.decision.description)]
            if !gate.reason.isEmpty { attributes.append(OTLPAttribute("gateway.reason", gate.reason)) }
            if gate.gate == "upstream" {
                upstreamStart = gateStart
                if gate.decision == .error { upstreamFailed = gate.reason }
            }
            spans.append(
                span(
                    traceID: traceID, id: ProtobufWriter.idBytes(trace.gateSpanID(at: index).value), parent: rootID, name: "gate \(gate.gate)",
                    kind: .internal, start: gateStart, end: gateStart &+ gate.durationNanos, attributes: attributes,
                    error: gate.decision == .error ? gate.reason : nil))
        }

        if trace.attempts > 0 {
            var attributes = [
                OTLPAttribute("gen_ai.operation.name", trace.operation),
                OTLPAttribute("gen_ai.request.model", trace.routedModel),
                OTLPAttribute("gateway.provider", trace.provider),
                OTLPAttribute("gateway.upstream.attempts", Int64(trace.attempts)),
            ]
            if let providerKind { attributes.append(OTLPAttribute("gen_ai.provider.name", providerKind)) }
            if let host = mapping.providerHosts[trace.provider] { attributes.append(OTLPAttribute("server.address", host)) }
            if trace.timeToFirstTokenNanos > 0 {
                attributes.append(OTLPAttribute("gen_ai.response.time_to_first_chunk", Double(trace.timeToFirstTokenNanos) / 1e9))
            }
            spans.append(
                span(
                    traceID: traceID, id: ProtobufWriter.idBytes(trace.upstreamSpanID.value), parent: rootID,
                    name: "\(trace.operation) \(trace.routedModel)", kind: .client, start: upstreamStart ?? start, end: end, attributes: attributes,
                    error: upstreamFailed))
        }
        return spans
    }

    /// One encoded `Span`; `error` sets an error status with that message.
    private static func span(
        traceID: [UInt8], id: [UInt8], parent: [UInt8], name: String, kind: Kind, start: UInt64, end: UInt64, attributes: [OTLPAttribute],
        error: String?
    ) -> [UInt8] {
        var span = ProtobufWriter(capacity: 256)
        span.bytes(1, traceID)
        span.bytes(2, id)
        span.bytes(4, parent)
        span.string(5, name)
        span.varint(6, kind.rawValue)
        span.fixed64(7, start)
        span.fixed64(8, max(start, end))
        for attribute in attributes { attribute.write(9, to: &span) }
        if let error {
            span.message(15) { status in
                status.string(2, error)
                status.varint(3, 2)  // STATUS_CODE_ERROR
            }
        }
        return span.bytes
    }

    /// An `ExportTraceServiceRequest` of `spans` under `resource`.
    static func request(spans: some Sequence<[UInt8]>, resource: OTLPResource) -> [UInt8] {
        var request = ProtobufWriter(capacity: 4096)
        request.message(1) { resourceSpans in
            resource.write(1, to: &resourceSpans)
            resourceSpans.message(2) { scopeSpans in
                resource.writeScope(1, to: &scopeSpans)
                for span in spans { scopeSpans.message(2, encoded: span) }
            }
        }
        return request.bytes
    }
}
