/// What one guardrail check found in one message of a request, or in its answer: a type and a
/// count, never the text. Eight bytes, so a trace holds a few inline without allocating.
public struct GuardrailFinding: Sendable, Equatable {
    /// Where the text was.
    public enum Direction: UInt8, Sendable, CaseIterable {
        case input, output

        /// The metric label.
        public var name: String { self == .input ? "input" : "output" }
    }

    /// The check that matched.
    public enum Check: UInt8, Sendable, CaseIterable {
        case pii, secrets, promptInjection, denyPhrases

        /// The metric label.
        public var name: String {
            switch self {
            case .pii: "pii"
            case .secrets: "secrets"
            case .promptInjection: "prompt_injection"
            case .denyPhrases: "deny_phrases"
            }
        }
    }

    /// What the gateway did.
    public enum Action: UInt8, Sendable, CaseIterable {
        case monitor, redact, block

        /// The metric label.
        public var name: String {
            switch self {
            case .monitor: "monitor"
            case .redact: "redact"
            case .block: "block"
            }
        }
    }

    /// The types a finding can have: a closed set, so labels stay bounded.
    public static let typeNames = [
        "other", "email", "phone", "credit_card", "iban", "us_ssn", "ip_address", "aws_access_key", "github_token", "openai_api_key",
        "anthropic_api_key", "slack_token", "google_api_key", "jwt", "private_key", "gateway_key", "override_instructions",
        "reveal_system_prompt", "role_switch", "chat_template", "deny_phrase",
    ]
    private static let typeIndexes = Dictionary(uniqueKeysWithValues: typeNames.enumerated().map { ($1, UInt8($0)) })

    /// Where the text was.
    public var direction: Direction
    /// The check.
    public var check: Check
    /// What was done.
    public var action: Action
    /// Index into ``typeNames``.
    public var typeIndex: UInt8
    /// The message index (0 for the answer).
    public var message: UInt16
    /// Matches of this type in that message.
    public var count: UInt16

    /// A finding of `type` (a name of ``typeNames``; others read `other`).
    public init(direction: Direction, check: Check, action: Action, type: String, message: Int, count: Int = 1) {
        self.direction = direction
        self.check = check
        self.action = action
        self.typeIndex = Self.typeIndexes[type] ?? 0
        self.message = UInt16(clamping: message)
        self.count = UInt16(clamping: count)
    }

    /// The type's name.
    public var type: String { Self.typeNames[Int(typeIndex) < Self.typeNames.count ? Int(typeIndex) : 0] }

    /// The finding in one number, for the ring's wire form.
    public var packed: UInt64 {
        UInt64(direction.rawValue) | UInt64(check.rawValue) << 8 | UInt64(action.rawValue) << 16 | UInt64(typeIndex) << 24 | UInt64(message) << 32
            | UInt64(count) << 48
    }

    /// A finding from ``packed``; nil when a field is out of range.
    public init?(packed: UInt64) {
        guard let direction = Direction(rawValue: UInt8(truncatingIfNeeded: packed)), let check = Check(rawValue: UInt8(truncatingIfNeeded: packed >> 8)),
            let action = Action(rawValue: UInt8(truncatingIfNeeded: packed >> 16))
        else { return nil }
        self.direction = direction
        self.check = check
        self.action = action
        let index = UInt8(truncatingIfNeeded: packed >> 24)
        self.typeIndex = Int(index) < Self.typeNames.count ? index : 0
        self.message = UInt16(truncatingIfNeeded: packed >> 32)
        self.count = UInt16(truncatingIfNeeded: packed >> 48)
    }

    static let empty = GuardrailFinding(direction: .input, check: .pii, action: .monitor, type: "other", message: 0, count: 0)
}
