import Telemetry

/// A request past `guardrails`: its text passed the caller's checks, redacted where they say so.
struct Guarded: Sendable {
    /// The routed request, with the redacted body when anything was redacted.
    let routed: Routed
    /// What the checks found (monitored or redacted).
    let findings: [GuardrailFinding]
}
