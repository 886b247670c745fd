/// A duration in four bytes: exact to the nanosecond below 2^30 ns (about 1.07 s), to the
/// microsecond below 2^30 us (about 17.9 minutes), to the millisecond below 2^30 ms (about 12.4
/// days), and to the second beyond, saturating at 2^30 s.
struct CompactDuration: Equatable {
    /// Two bits of unit (ns, us, ms, s) above thirty bits of count.
    let bits: UInt32

    private static let countBits: UInt32 = 30
    private static let countLimit: UInt64 = 1 << 30
    private static let divisors: [UInt64] = [1, 1_000, 1_000_000, 1_000_000_000]

    /// `nanoseconds` in the finest unit that holds it.
    init(nanoseconds: UInt64) {
        for (unit, divisor) in Self.divisors.enumerated() where nanoseconds / divisor < Self.countLimit {
            bits = UInt32(unit) << Self.countBits | UInt32(nanoseconds / divisor)
            return
        }
        bits = 3 << Self.countBits | UInt32(Self.countLimit - 1)
    }

    /// The duration in nanoseconds (at the precision of its unit).
    var nanoseconds: UInt64 {
        UInt64(bits & UInt32(Self.countLimit - 1)) * Self.divisors[Int(bits >> Self.countBits)]
    }
}
