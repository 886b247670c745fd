import Telemetry

import struct Foundation.Date
import class Foundation.ISO8601DateFormatter

/// The JSON form of one request's trace: attributes, the gate that decided it, and every gate span.
public struct RequestView: Codable, Sendable, Equatable {
    /// What an MCP request called.
    public struct MCP: Codable, Sendable, Equatable {
        /// The MCP server.
        public var server: String?
        /// The JSON-RPC method (or GET / DELETE for the server stream and the end of a session).
        public var method: String?
        /// The tool of a `tools/call`.
        public var tool: String?
    }

    /// One gate span.
    public struct Gate: Codable, Sendable, Equatable {
        /// The gate id, e.g. `key-auth`.
        public var gate: String
        /// `pass`, `deny` or `error`.
        public var decision: String
        /// The reason of a deny or error.
        public var reason: String?
        /// The span's id (hex).
        public var spanId: String
        /// Milliseconds after the request's start.
        public var startOffsetMs: Double
        /// How long the gate took, in milliseconds.
        public var durationMs: Double
    }

    /// What a guardrail check found in one message (counts, never text).
    public struct Finding: Codable, Sendable, Equatable {
        /// `input` (the request) or `output` (the answer).
        public var direction: String
        /// `pii`, `secrets`, `prompt_injection` or `deny_phrases`.
        public var check: String
        /// The type, e.g. `email` or `override_instructions`.
        public var type: String
        /// `monitor`, `redact` or `block`.
        public var action: String
        /// The index of the message (0 for the answer).
        public var message: Int
        /// Matches of this type in the message.
        public var count: Int
    }

    /// The request id, also the trace id.
    public var requestId: String
    /// The org the request belongs to.
    public var org: String
    /// The project.
    public var project: String?
    /// The API key id.
    public var key: String?
    /// The operation: chat, embeddings or models.
    public var operation: String
    /// The model the client asked for.
    public var model: String?
    /// The model the provider was asked for.
    public var routedModel: String?
    /// The provider that answered.
    public var provider: String?
    /// For an MCP request: the server, the JSON-RPC method and the tool called.
    public var mcp: MCP?
    /// The HTTP status answered.
    public var status: Int
    /// When the request arrived (RFC 3339).
    public var startTime: String
    /// How long the request took, in milliseconds.
    public var durationMs: Double
    /// Milliseconds to the first byte of the answer.
    public var timeToFirstTokenMs: Double?
    /// Whether the answer was streamed.
    public var streamed: Bool
    /// Upstream attempts, retries and fallbacks included.
    public var attempts: Int
    /// Input tokens charged.
    public var inputTokens: Int
    /// Input tokens served from the provider cache.
    public var cachedInputTokens: Int
    /// Output tokens charged.
    public var outputTokens: Int
    /// Cost in micro-USD.
    public var costMicroUSD: Int64
    /// `exact`, `estimated` (no usage reported) or `unpriced` (the model has no price).
    public var costBasis: String
    /// The gate that stopped the request; nil when it was served.
    public var decidedBy: String?
    /// The deciding gate's decision.
    public var decision: String?
    /// The deciding gate's reason.
    public var reason: String?
    /// What to change, when the request was stopped or failed.
    public var hint: String?
    /// The request's root span id (hex).
    public var rootSpanId: String
    /// The caller's span the root span is a child of (from its `traceparent`), if any.
    public var parentSpanId: String?
    /// Every gate span, in order.
    public var gates: [Gate]
    /// What the guardrails found, monitored findings included.
    public var guardrailFindings: [Finding]

    /// The view of `tagged`.
    public init(_ tagged: TaggedTrace) {
        let trace = tagged.trace
        let nonEmpty: (String) -> String? = { $0.isEmpty ? nil : $0 }
        requestId = trace.traceID.description
        org = tagged.org
        project = nonEmpty(trace.projectID)
        key = nonEmpty(trace.keyID)
        operation = trace.operation
        model = nonEmpty(trace.requestedModel)
        routedModel = nonEmpty(trace.routedModel)
        provider = nonEmpty(trace.provider)
        if trace.operation == "mcp" {
            // An MCP trace holds the method, tool and server where a model request holds its models and provider.
            mcp = MCP(server: nonEmpty(trace.provider), method: nonEmpty(trace.requestedModel), tool: nonEmpty(trace.routedModel))
            (model, routedModel, provider) = (nil, nil, nil)
        }
        status = Int(trace.status)
        startTime = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(trace.startUnixNanos) / 1e9))
        durationMs = Double(trace.durationNanos) / 1e6
        timeToFirstTokenMs = trace.timeToFirstTokenNanos > 0 ? Double(trace.timeToFirstTokenNanos) / 1e6 : nil
        streamed = trace.streamed
        attempts = Int(trace.attempts)
        inputTokens = Int(trace.inputTokens)
        cachedInputTokens = Int(trace.cachedInputTokens)
        outputTokens = Int(trace.outputTokens)
        costMicroUSD = trace.costMicroUSD
        costBasis = trace.costFlags.contains(.unpriced) ? "unpriced" : trace.costFlags.contains(.estimated) ? "estimated" : "exact"
        decidedBy = trace.decidingGate?.gate
        decision = trace.decidingGate?.decision.description
        reason = nonEmpty(trace.reason)
        hint = reason.flatMap(Explanation.hint(for:))
        rootSpanId = trace.rootSpanID.description
        parentSpanId = trace.parentSpanID?.description
        gates = trace.gates.enumerated().map { index, span in
            Gate(
                gate: span.gate, decision: span.decision.description, reason: span.reason.isEmpty ? nil : span.reason,
                spanId: trace.gateSpanID(at: index).description, startOffsetMs: Double(span.startOffsetNanos) / 1e6,
                durationMs: Double(span.durationNanos) / 1e6)
        }
        guardrailFindings = trace.findings.map { finding in
            Finding(
                direction: finding.direction.name, check: finding.check.name, type: finding.type, action: finding.action.name,
                message: Int(finding.message), count: Int(finding.count))
        }
    }
}
