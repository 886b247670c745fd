extension TelemetryStore {
    /// Metric names.
    enum Name {
        static let requests = "gateway_requests_total"
        static let gateDecisions = "gateway_gate_decisions_total"
        static let tokens = "gateway_tokens_total"
        static let cost = "gateway_cost_usd_total"
        static let unpriced = "gateway_unpriced_requests_total"
        static let estimated = "gateway_estimated_cost_requests_total"
        static let usageInvalid = "gateway_provider_usage_invalid_total"
        static let guardrailFindings = "gateway_guardrail_findings_total"
        static let mcpRequests = "gateway_mcp_requests_total"
        static let mcpDuration = "gateway_mcp_request_duration_seconds"
        static let requestDuration = "gateway_request_duration_seconds"
        static let gateDuration = "gateway_gate_duration_seconds"
        static let upstreamDuration = "gateway_upstream_duration_seconds"
        static let timeToFirstToken = "gateway_time_to_first_token_seconds"
        static let written = "gateway_telemetry_records_written"
        static let dropped = "gateway_telemetry_records_dropped_total"
        static let unattributed = "gateway_telemetry_records_unattributed_total"
        static let capacity = "gateway_telemetry_ring_capacity"
        static let fill = "gateway_telemetry_ring_fill_ratio"
        static let lag = "gateway_telemetry_scrape_lag_records"
        static let scrapeDuration = "gateway_telemetry_scrape_duration_seconds"
        static let scrapes = "gateway_telemetry_scrapes_total"
        static let scrapeFailures = "gateway_telemetry_scrape_failures_total"
        static let connectionsOpen = "gateway_connections_open"
        static let connectionsAccepted = "gateway_connections_accepted_total"
        static let connectionsRefused = "gateway_connections_refused_total"
        static let connectionsClosed = "gateway_connections_closed_total"
    }

    static func makeFamilies() -> [MetricFamily] {
        [
            MetricFamily(
                Name.requests, .counter, "Requests by the gate that decided them and the final status.",
                labels: ["org", "project", "model", "status", "gate"]),
            MetricFamily(
                Name.gateDecisions, .counter, "Gate evaluations by decision and reason.",
                labels: ["org", "project", "gate", "decision", "reason"]),
            MetricFamily(Name.tokens, .counter, "Tokens reported by providers, by type (input, cached_input, output).", labels: ["org", "project", "model", "type"]),
            MetricFamily(Name.cost, .counter, "Cost of served requests in USD (sums of integer micro-USD).", labels: ["org", "project", "model"]),
            MetricFamily(Name.unpriced, .counter, "Served requests whose model has no price: their cost is unknown, not zero.", labels: ["org", "project", "model"]),
            MetricFamily(
                Name.estimated, .counter, "Served requests whose usage was estimated because the provider reported none.",
                labels: ["org", "project", "model"]),
            MetricFamily(
                Name.usageInvalid, .counter, "Answers whose usage the provider reported wrongly (negative, fractional, too large): estimated, not charged.",
                labels: ["org", "provider"]),
            MetricFamily(
                Name.guardrailFindings, .counter, "Guardrail matches by direction, check and what was done (monitor, redact, block); never their text.",
                labels: ["org", "project", "direction", "check", "action"]),
            MetricFamily(
                Name.mcpRequests, .counter, "MCP requests by server, method, tool and outcome (ok, or the reason they were stopped or failed).",
                labels: ["org", "project", "server", "method", "tool", "outcome"]),
            MetricFamily(Name.mcpDuration, .histogram, "Time from arrival to the end of an MCP server's answer.", labels: ["org", "project", "server", "method"]),
            MetricFamily(Name.requestDuration, .histogram, "Time from arrival to the end of the response.", labels: ["org", "project", "model"]),
            MetricFamily(Name.gateDuration, .histogram, "Time spent evaluating each gate.", labels: ["org", "gate"]),
            MetricFamily(Name.upstreamDuration, .histogram, "Time in upstream attempts until the response head.", labels: ["org", "provider"]),
            MetricFamily(Name.timeToFirstToken, .histogram, "Time from arrival to the provider's first byte.", labels: ["org", "project", "model"]),
            MetricFamily(Name.written, .gauge, "Traces ever written to the source's ring.", labels: ["source"]),
            MetricFamily(Name.dropped, .counter, "Traces overwritten in the ring before the collector read them.", labels: ["source"]),
            MetricFamily(Name.unattributed, .counter, "Traces whose project maps to no org (platform-only series).", labels: ["source"]),
            MetricFamily(Name.capacity, .gauge, "Capacity of the source's ring.", labels: ["source"]),
            MetricFamily(Name.fill, .gauge, "Fraction of the source's ring holding traces.", labels: ["source"]),
            MetricFamily(Name.lag, .gauge, "Traces written but not yet read at the last scrape.", labels: ["source"]),
            MetricFamily(Name.scrapeDuration, .gauge, "Duration of the last scrape of the source.", labels: ["source"]),
            MetricFamily(Name.scrapes, .counter, "Scrapes of the source.", labels: ["source"]),
            MetricFamily(Name.scrapeFailures, .counter, "Failed scrapes of the source.", labels: ["source"]),
            MetricFamily(Name.connectionsOpen, .gauge, "Client connections open on the source's data plane.", labels: ["source"]),
            MetricFamily(Name.connectionsAccepted, .counter, "Client connections the source's data plane accepted.", labels: ["source"]),
            MetricFamily(
                Name.connectionsRefused, .counter, "Client connections refused at gateway.maxConnections with no idle one to close instead.",
                labels: ["source"]),
            MetricFamily(
                Name.connectionsClosed, .counter, "Client connections the gateway closed, by reason (timeouts, shed for room, request too large).",
                labels: ["source", "reason"]),
        ]
    }
}
