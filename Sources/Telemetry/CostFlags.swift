/// How a request's cost was arrived at.
public struct CostFlags: OptionSet, Sendable, Hashable {
    /// The flag bits.
    public let rawValue: UInt8
    /// Flags from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The provider reported no usage (a stream that ended early): tokens and cost are estimates.
    public static let estimated = CostFlags(rawValue: 1)
    /// The model has no price: the cost is zero but not free, and is reported as unpriced.
    public static let unpriced = CostFlags(rawValue: 2)
    /// The provider reported usage that cannot be right (negative, fractional, beyond any model's
    /// context): it was not charged, and tokens and cost are estimates (``estimated`` is set too).
    public static let usageInvalid = CostFlags(rawValue: 4)
}
