/// The operator's own phrases, matched on the same normalised view as prompt injection.
public struct DenyPhrases: Sendable, Codable, Equatable {
    /// What a match does (`redact` is not allowed: a phrase is matched on a normalised view, not in place).
    public var action: GuardrailAction
    /// The phrases, as written in the configuration.
    public var phrases: [String]

    /// Creates a deny list.
    public init(action: GuardrailAction, phrases: [String]) {
        self.action = action
        self.phrases = phrases
    }
}
