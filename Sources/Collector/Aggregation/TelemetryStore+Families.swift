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

        /// The family, with no series yet: its metric name, kind, help and label names.
        var family: MetricFamily {
            switch self {
            case .requests:
                MetricFamily(
                    "gateway_requests_total", .counter,
                    "Requests by the gate that decided them and the final status.",
                    labels: ["org", "project", "model", "status", "gate"])
            case .gateDecisions:
                MetricFamily(
                    "gateway_gate_decisions_total", .counter,
                    "Gate evaluations by decision and reason.",
                    labels: ["org", "project", "gate", "decision", "reason"])
            case .tokens:
                MetricFamily(
                    "gateway_tokens_total", .counter,
                    "Tokens reported by providers, by type (input, cached_input, output).",
                    labels: ["org", "project", "model", "type"])
            case .cost:
                MetricFamily(
                    "gateway_cost_usd_total", .counter,
                    "Cost of served requests in USD (sums of integer micro-USD).",
                    labels: ["org", "project", "model"])
            case .unpriced:
                MetricFamily(
                    "gateway_unpriced_requests_total", .counter,
                    "Served requests whose model has no price: their cost is unknown, not zero.",
                    labels: ["org", "project", "model"])
            case .estimated:
                MetricFamily(
                    "gateway_estimated_cost_requests_total", .counter,
                    "Served requests whose usage was estimated because the provider reported none.",
                    labels: ["org", "project", "model"])
            case .usageInvalid:
                MetricFamily(
                    "gateway_provider_usage_invalid_total", .counter,
                    "Answers whose usage the provider reported wrongly (negative, fractional, too large): estimated, not charged.",
                    labels: ["org", "provider"])
            case .guardrailFindings:
                MetricFamily(
                    "gateway_guardrail_findings_total", .counter,
                    "Guardrail matches by direction, check and what was done (monitor, redact, block); never their text.",
                    labels: ["org", "project", "direction", "check", "action"])
            case .mcpRequests:
                MetricFamily(
                    "gateway_mcp_requests_total", .counter,
                    "MCP requests by server, method, tool and outcome (ok, or the reason they were stopped or failed).",
                    labels: ["org", "project", "server", "method", "tool", "outcome"])
            case .mcpDuration:
                MetricFamily(
                    "gateway_mcp_request_duration_seconds", .histogram,
                    "Time from arrival to the end of an MCP server's answer.",
                    labels: ["org", "project", "server", "method"])
            case .requestDuration:
                MetricFamily(
                    "gateway_request_duration_seconds", .histogram,
                    "Time from arrival to the end of the response.",
                    labels: ["org", "project", "model"])
            case .gateDuration:
                MetricFamily("gateway_gate_duration_seconds", .histogram, "Time spent evaluating each gate.", labels: ["org", "gate"])
            case .upstreamDuration:
                MetricFamily(
                    "gateway_upstream_duration_seconds", .histogram,
                    "Time in upstream attempts until the response head.",
                    labels: ["org", "provider"])
            case .timeToFirstToken:
                MetricFamily(
                    "gateway_time_to_first_token_seconds", .histogram,
                    "Time from arrival to the provider's first byte.",
                    labels: ["org", "project", "model"])
            case .written:
                MetricFamily("gateway_telemetry_records_written", .gauge, "Traces ever written to the source's ring.", labels: ["source"])
            case .dropped:
                MetricFamily(
                    "gateway_telemetry_records_dropped_total", .counter,
                    "Traces overwritten in the ring before the collector read them.",
                    labels: ["source"])
            case .unattributed:
                MetricFamily(
                    "gateway_telemetry_records_unattributed_total", .counter,
                    "Traces whose project maps to no org (platform-only series).",
                    labels: ["source"])
            case .capacity:
                MetricFamily("gateway_telemetry_ring_capacity", .gauge, "Capacity of the source's ring.", labels: ["source"])
            case .fill:
                MetricFamily("gateway_telemetry_ring_fill_ratio", .gauge, "Fraction of the source's ring holding traces.", labels: ["source"])
            case .lag:
                MetricFamily(
                    "gateway_telemetry_scrape_lag_records", .gauge,
                    "Traces written but not yet read at the last scrape.",
                    labels: ["source"])
            case .scrapeDuration:
                MetricFamily("gateway_telemetry_scrape_duration_seconds", .gauge, "Duration of the last scrape of the source.", labels: ["source"])
            case .scrapes:
                MetricFamily("gateway_telemetry_scrapes_total", .counter, "Scrapes of the source.", labels: ["source"])
            case .scrapeFailures:
                MetricFamily("gateway_telemetry_scrape_failures_total", .counter, "Failed scrapes of the source.", labels: ["source"])
            case .connectionsOpen:
                MetricFamily("gateway_connections_open", .gauge, "Client connections open on the source's data plane.", labels: ["source"])
            case .connectionsAccepted:
                MetricFamily(
                    "gateway_connections_accepted_total", .counter,
                    "Client connections the source's data plane accepted.",
                    labels: ["source"])
            case .connectionsRefused:
                MetricFamily(
                    "gateway_connections_refused_total", .counter,
                    "Client connections refused at gateway.maxConnections with no idle one to close instead.",
                    labels: ["source"])
            case .connectionsClosed:
                MetricFamily(
                    "gateway_connections_closed_total", .counter,
                    "Client connections the gateway closed, by reason (timeouts, shed for room, request too large).",
                    labels: ["source", "reason"])
            }
        }
    }

    /// Every family, each at its ``Name``'s raw value.
    static func makeFamilies() -> [MetricFamily] { Name.allCases.map(\.family) }
}
