/// How a request's cost was arrived at. The flags are computed and inlinable: reading one costs
/// no call, so code that reads a trace in place need not copy it around the call.
public struct CostFlags: OptionSet, Sendable, Hashable {
    /// The flag bits.
    public let rawValue: UInt8
    /// Flags from their bits.
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The provider reported no usage (a stream that ended early): tokens and cost are estimates.
    @inlinable public static var estimated: CostFlags { CostFlags(rawValue: 1) }
    /// The model has no price: the cost is zero but not free, and is reported as unpriced.
    @inlinable public static var unpriced: CostFlags { CostFlags(rawValue: 2) }
    /// The provider reported usage that cannot be right (negative, fractional, beyond any model's
    /// context): it was not charged, and tokens and cost are estimates (``estimated`` is set too).
    @inlinable public static var usageInvalid: CostFlags { CostFlags(rawValue: 4) }
}
