/// The checks of one direction (the request's text, or the provider's answer) and their actions.
public struct GuardrailRules: Sendable, Codable, Equatable {
    /// Personal data.
    public var pii: GuardrailAction
    /// The PII kinds checked; nil for every kind.
    public var piiTypes: [PIIKind]?
    /// Credentials.
    public var secrets: GuardrailAction
    /// Prompt injection (`redact` is not allowed).
    public var promptInjection: GuardrailAction
    /// The operator's phrases, if any.
    public var denyPhrases: DenyPhrases?

    /// Creates rules; every check is off unless given.
    public init(
        pii: GuardrailAction = .off, piiTypes: [PIIKind]? = nil, secrets: GuardrailAction = .off, promptInjection: GuardrailAction = .off,
        denyPhrases: DenyPhrases? = nil
    ) {
        self.pii = pii
        self.piiTypes = piiTypes
        self.secrets = secrets
        self.promptInjection = promptInjection
        self.denyPhrases = denyPhrases
    }

    /// Whether any check runs.
    public var isActive: Bool {
        pii != .off || secrets != .off || promptInjection != .off || (denyPhrases.map { $0.action != .off && !$0.phrases.isEmpty } ?? false)
    }

    /// The action of `check`.
    public func action(of check: GuardrailCheck) -> GuardrailAction {
        switch check {
        case .pii: pii
        case .secrets: secrets
        case .promptInjection: promptInjection
        case .denyPhrases: denyPhrases?.action ?? .off
        }
    }

    /// The PII kinds to look for.
    public var checkedPIIKinds: Set<PIIKind> { Set(piiTypes ?? PIIKind.allCases) }

    /// These rules made at least as strict as `other`: the stricter action of each check, the
    /// union of PII kinds (nil, every kind, absorbs), and both deny lists.
    public func tightened(by other: GuardrailRules) -> GuardrailRules {
        var merged = self
        merged.pii = max(pii, other.pii)
        merged.secrets = max(secrets, other.secrets)
        merged.promptInjection = max(promptInjection, other.promptInjection)
        if let mine = piiTypes, let theirs = other.piiTypes {
            merged.piiTypes = PIIKind.allCases.filter { mine.contains($0) || theirs.contains($0) }
        } else {
            merged.piiTypes = nil
        }
        switch (denyPhrases, other.denyPhrases) {
        case (let mine?, let theirs?):
            merged.denyPhrases = DenyPhrases(action: max(mine.action, theirs.action), phrases: mine.phrases + theirs.phrases.filter { !mine.phrases.contains($0) })
        case (nil, let theirs?): merged.denyPhrases = theirs
        default: break
        }
        return merged
    }
}
