/// One match of a check in a text: which check, which type, and where, for redaction.
public struct GuardrailMatch: Sendable, Equatable {
    /// The check that matched.
    public var check: GuardrailCheck
    /// The type within the check (`email`, `aws_access_key`, `override_instructions`, `deny_phrase`).
    public var type: StaticString
    /// The matched bytes of the text; nil for a match on the normalised view, which has no place
    /// in the original text.
    public var range: Range<Int>?

    /// Creates a match.
    public init(check: GuardrailCheck, type: StaticString, range: Range<Int>?) {
        self.check = check
        self.type = type
        self.range = range
    }

    /// The type as text.
    public var typeName: String { type.description }

    /// The placeholder that replaces a redacted match, e.g. `[EMAIL]` or `[SECRET]`.
    public var placeholder: String {
        check == .pii ? "[\(type.description.uppercased())]" : "[SECRET]"
    }

    /// Matches are equal when check, type and range are.
    public static func == (lhs: GuardrailMatch, rhs: GuardrailMatch) -> Bool {
        lhs.check == rhs.check && lhs.typeName == rhs.typeName && lhs.range == rhs.range
    }
}
