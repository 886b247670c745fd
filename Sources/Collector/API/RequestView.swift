import Telemetry

import struct Foundation.Date
import class Foundation.ISO8601DateFormatter

/// The JSON form of one request's trace: attributes, the gate that decided it, and every gate span.
public struct RequestView: Codable, Sendable, Equatable {
    /// One gate span.
    public struct Gate: Codable, Sendable, Equatable {
        public var gate: String
        public var decision: String
        public var reason: String?
        public var spanId: String
        public var startOffsetMs: Double
        public var durationMs: Double
    }

    public var requestId: String
    public var org: String
    public var project: String?
    public var key: String?
    public var operation: String
    public var model: String?
    public var routedModel: String?
    public var provider: String?
    public var status: Int
    public var startTime: String
    public var durationMs: Double
    public var timeToFirstTokenMs: Double?
    public var streamed: Bool
    public var attempts: Int
    public var inputTokens: Int
    public var cachedInputTokens: Int
    public var outputTokens: Int
    /// Cost in micro-USD.
    public var costMicroUSD: Int64
    /// `exact`, `estimated` (no usage reported) or `unpriced` (the model has no price).
    public var costBasis: String
    public var decidedBy: String?
    public var decision: String?
    public var reason: String?
    /// What to change, when the request was stopped or failed.
    public var hint: String?
    public var rootSpanId: String
    public var gates: [Gate]

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
        gates = trace.gates.enumerated().map { index, span in
            Gate(
                gate: span.gate, decision: span.decision.description, reason: span.reason.isEmpty ? nil : span.reason,
                spanId: trace.gateSpanID(at: index).description, startOffsetMs: Double(span.startOffsetNanos) / 1e6,
                durationMs: Double(span.durationNanos) / 1e6)
        }
    }
}
