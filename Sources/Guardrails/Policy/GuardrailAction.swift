/// What a guardrail check does with a match, from the mildest to the strictest.
public enum GuardrailAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// The check does not run.
    case off
    /// The request passes; the finding is recorded.
    case monitor
    /// Each match is replaced by a typed placeholder before the text goes on.
    case redact
    /// The request (or the answer) is stopped with 403.
    case block

    private var strictness: Int {
        switch self {
        case .off: 0
        case .monitor: 1
        case .redact: 2
        case .block: 3
        }
    }

    /// Orders actions by strictness: a key's policy may only move its project's up.
    public static func < (lhs: GuardrailAction, rhs: GuardrailAction) -> Bool { lhs.strictness < rhs.strictness }
}
