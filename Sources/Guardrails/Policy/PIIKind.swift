/// The kinds of personal data the PII check finds; the raw value is the configuration name.
public enum PIIKind: String, Sendable, Codable, CaseIterable {
    case email
    case phone
    case creditCard = "credit_card"
    case iban
    case usSSN = "us_ssn"
    case ipAddress = "ip_address"

    /// The placeholder a redacted match becomes, e.g. `[CREDIT_CARD]`.
    public var placeholder: String { "[\(rawValue.uppercased())]" }
}
