import GatewayModel
import Telemetry

/// The org a trace belongs to and its bounded label values, as every view of the telemetry
/// (Prometheus, the APIs, OTLP) tags it.
struct TraceLabels {
    /// The owning org, ``OrgMapping/unattributed`` when the project maps to none.
    let org: String
    /// The project when the mapping knows it; `none` before `key-auth`, `other` for an unknown one.
    let project: String
    /// The requested model when configured, else `other` (`none` when empty).
    let model: String
    /// The provider when configured, else `other`; empty when no provider was tried.
    let provider: String
    /// For an MCP request: its server, method and tool, bounded.
    let mcp: MCP?

    /// The bounded labels of an MCP request.
    struct MCP: Hashable {
        /// A configured server name, else `other`.
        let server: String
        /// A method of the MCP specification, else `other`.
        let method: String
        /// A tool an allow-list names, else `other`; `none` when the request called no tool.
        let tool: String
    }

    /// The methods of the MCP specification, which may be metric labels as they are.
    static let mcpMethods: Set<String> = [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
        "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed", "GET", "DELETE",
    ]

    /// The labels of the trace `trace` points to under `mapping`, read a field at a time: a borrow
    /// of a trace read in place would be a copy of it across the lookups here.
    init(_ trace: UnsafePointer<RequestTrace>, mapping: borrowing OrgMapping) {
        let projectID = trace.pointee.projectID
        let known = mapping.orgByProject[projectID]
        org = known ?? OrgMapping.unattributed
        project = known != nil ? projectID : (projectID.isEmpty ? "none" : "other")
        if trace.pointee.operation == "mcp" {
            // An MCP trace holds the method, tool and server where a model request holds its models and provider.
            model = "none"
            provider = ""
            mcp = MCP(
                server: trace.pointee.provider.isEmpty ? "none" : Self.bounded(trace.pointee.provider, in: mapping.mcpServers),
                method: Self.bounded(trace.pointee.requestedModel, in: Self.mcpMethods),
                tool: Self.bounded(trace.pointee.routedModel, in: mapping.mcpTools))
        } else {
            model = Self.bounded(trace.pointee.requestedModel, in: mapping.models)
            provider = trace.pointee.provider.isEmpty ? "" : Self.bounded(trace.pointee.provider, in: mapping.providers)
            mcp = nil
        }
    }

    /// `value` when it is one of the configured names, else `other` (`none` when empty).
    static func bounded(_ value: String, in known: Set<String>) -> String {
        value.isEmpty ? "none" : (known.contains(value) ? value : "other")
    }
}

extension RequestTrace {
    /// Whether `other` has the values ``TraceLabels`` reads, so that it gets the same labels.
    func hasSameLabelValues(as other: RequestTrace) -> Bool {
        projectID == other.projectID && operation == other.operation && requestedModel == other.requestedModel && provider == other.provider
            && routedModel == other.routedModel
    }
}
