/// The checks a guardrail policy configures; the raw value is the metric label.
public enum GuardrailCheck: String, Sendable, CaseIterable {
    /// Personal data: e-mail, phone, card, IBAN, US SSN, IP address.
    case pii
    /// Credentials: provider and cloud keys, private keys, JWTs, this gateway's keys.
    case secrets
    /// Known prompt-injection phrase families and their disguises.
    case promptInjection = "prompt_injection"
    /// The operator's own phrases.
    case denyPhrases = "deny_phrases"

    /// Whether a match of this check has a place in the text that a placeholder can take.
    public var isRedactable: Bool { self == .pii || self == .secrets }
}
