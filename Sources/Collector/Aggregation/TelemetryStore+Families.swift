extension TelemetryStore {
    /// The metric families, each at the index of its raw value in the store's array of families:
    /// found there without hashing its name.
    enum Name: Int, CaseIterable {
        case requests
        case gateDecisions
        case tokens
        case cost
        case unpriced
        case estimated
        case usageInvalid
        case guardrailFindings
        case mcpRequests
        case mcpDuration
        case requestDuration
        case gateDuration
        case upstreamDuration
        case timeToFirstToken
        case written
        case dropped
        case unattributed
        case capacity
        case fill
        case lag
        case scrapeDuration
        case scrapes
        case scrapeFailures
        case connectionsOpen
        case connectionsAccepted
        case connectionsRefused
        case connectionsClosed

        /// The family's metric name.
        var metricName: String {
            switch self {
            case .requests: "gateway_requests_total"
            case .gateDecisions: "gateway_gate_decisions_total"
            case .tokens: "gateway_tokens_total"
            case .cost: "gateway_cost_usd_total"
            case .unpriced: "gateway_unpriced_requests_total"
            case .estimated: "gateway_estimated_cost_requests_total"
            case .usageInvalid: "gateway_provider_usage_invalid_total"
            case .guardrailFindings: "gateway_guardrail_findings_total"
            case .mcpRequests: "gateway_mcp_requests_total"
            case .mcpDuration: "gateway_mcp_request_duration_seconds"
            case .requestDuration: "gateway_request_duration_seconds"
            case .gateDuration: "gateway_gate_duration_seconds"
            case .upstreamDuration: "gateway_upstream_duration_seconds"
            case .timeToFirstToken: "gateway_time_to_first_token_seconds"
            case .written: "gateway_telemetry_records_written"
            case .dropped: "gateway_telemetry_records_dropped_total"
            case .unattributed: "gateway_telemetry_records_unattributed_total"
            case .capacity: "gateway_telemetry_ring_capacity"
            case .fill: "gateway_telemetry_ring_fill_ratio"
            case .lag: "gateway_telemetry_scrape_lag_records"
            case .scrapeDuration: "gateway_telemetry_scrape_duration_seconds"
            case .scrapes: "gateway_telemetry_scrapes_total"
            case .scrapeFailures: "gateway_telemetry_scrape_failures_total"
            case .connectionsOpen: "gateway_connections_open"
            case .connectionsAccepted: "gateway_connections_accepted_total"
            case .connectionsRefused: "gateway_connections_refused_total"
            case .connectionsClosed: "gateway_connections_closed_total"
            }
        }
    }

    /// Every family, each at its ``Name``'s raw value.
    static func makeFamilies() -> [MetricFamily] {
        let families = [
            MetricFamily(
                Name.requests.metricName, .counter, "Requests by the gate that decided them and the final status.",
                labels: ["org", "project", "model", "status", "gate"]),
            MetricFamily(
                Name.gateDecisions.metricName, .counter, "Gate evaluations by decision and reason.",
                labels: ["org", "project", "gate", "decision", "reason"]),
            MetricFamily(Name.tokens.metricName, .counter, "Tokens reported by providers, by type (input, cached_input, output).", labels: ["org", "project", "model", "type"]),
            MetricFamily(Name.cost.metricName, .counter, "Cost of served requests in USD (sums of integer micro-USD).", labels: ["org", "project", "model"]),
            MetricFamily(Name.unpriced.metricName, .counter, "Served requests whose model has no price: their cost is unknown, not zero.", labels: ["org", "project", "model"]),
            MetricFamily(
                Name.estimated.metricName, .counter, "Served requests whose usage was estimated because the provider reported none.",
                labels: ["org", "project", "model"]),
            MetricFamily(
                Name.usageInvalid.metricName, .counter, "Answers whose usage the provider reported wrongly (negative, fractional, too large): estimated, not charged.",
                labels: ["org", "provider"]),
            MetricFamily(
                Name.guardrailFindings.metricName, .counter, "Guardrail matches by direction, check and what was done (monitor, redact, block); never their text.",
                labels: ["org", "project", "direction", "check", "action"]),
            MetricFamily(
                Name.mcpRequests.metricName, .counter, "MCP requests by server, method, tool and outcome (ok, or the reason they were stopped or failed).",
                labels: ["org", "project", "server", "method", "tool", "outcome"]),
            MetricFamily(Name.mcpDuration.metricName, .histogram, "Time from arrival to the end of an MCP server's answer.", labels: ["org", "project", "server", "method"]),
            MetricFamily(Name.requestDuration.metricName, .histogram, "Time from arrival to the end of the response.", labels: ["org", "project", "model"]),
            MetricFamily(Name.gateDuration.metricName, .histogram, "Time spent evaluating each gate.", labels: ["org", "gate"]),
            MetricFamily(Name.upstreamDuration.metricName, .histogram, "Time in upstream attempts until the response head.", labels: ["org", "provider"]),
            MetricFamily(Name.timeToFirstToken.metricName, .histogram, "Time from arrival to the provider's first byte.", labels: ["org", "project", "model"]),
            MetricFamily(Name.written.metricName, .gauge, "Traces ever written to the source's ring.", labels: ["source"]),
            MetricFamily(Name.dropped.metricName, .counter, "Traces overwritten in the ring before the collector read them.", labels: ["source"]),
            MetricFamily(Name.unattributed.metricName, .counter, "Traces whose project maps to no org (platform-only series).", labels: ["source"]),
            MetricFamily(Name.capacity.metricName, .gauge, "Capacity of the source's ring.", labels: ["source"]),
            MetricFamily(Name.fill.metricName, .gauge, "Fraction of the source's ring holding traces.", labels: ["source"]),
            MetricFamily(Name.lag.metricName, .gauge, "Traces written but not yet read at the last scrape.", labels: ["source"]),
            MetricFamily(Name.scrapeDuration.metricName, .gauge, "Duration of the last scrape of the source.", labels: ["source"]),
            MetricFamily(Name.scrapes.metricName, .counter, "Scrapes of the source.", labels: ["source"]),
            MetricFamily(Name.scrapeFailures.metricName, .counter, "Failed scrapes of the source.", labels: ["source"]),
            MetricFamily(Name.connectionsOpen.metricName, .gauge, "Client connections open on the source's data plane.", labels: ["source"]),
            MetricFamily(Name.connectionsAccepted.metricName, .counter, "Client connections the source's data plane accepted.", labels: ["source"]),
            MetricFamily(
                Name.connectionsRefused.metricName, .counter, "Client connections refused at gateway.maxConnections with no idle one to close instead.",
                labels: ["source"]),
            MetricFamily(
                Name.connectionsClosed.metricName, .counter, "Client connections the gateway closed, by reason (timeouts, shed for room, request too large).",
                labels: ["source", "reason"]),
        ]
        precondition(families.map(\.name) == Name.allCases.map(\.metricName), "families out of the order of their names")
        return families
    }
}
