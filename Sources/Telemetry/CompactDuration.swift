/// A duration in four bytes: exact to the nanosecond below 2^30 ns (about 1.07 s), to the
/// microsecond below 2^30 us (about 17.9 minutes), to the millisecond below 2^30 ms (about 12.4
/// days), and to the second beyond, saturating at 2^30 s.
struct CompactDuration: Equatable {
    /// Two bits of unit (ns, us, ms, s) above thirty bits of count.
    let bits: UInt32

    private static let countBits: UInt32 = 30
    private static let countLimit: UInt64 = 1 << 30

    /// `nanoseconds` in the finest unit that holds it.
    init(nanoseconds: UInt64) {
        let (unit, count): (UInt32, UInt64) =
            switch nanoseconds {
            case ..<Self.countLimit: (0, nanoseconds)
            case ..<(Self.countLimit * 1_000): (1, nanoseconds / 1_000)
            case ..<(Self.countLimit * 1_000_000): (2, nanoseconds / 1_000_000)
            default: (3, min(nanoseconds / 1_000_000_000, Self.countLimit - 1))
            }
        bits = unit << Self.countBits | UInt32(count)
    }

    /// The duration in nanoseconds (at the precision of its unit).
    var nanoseconds: UInt64 {
        let count = UInt64(bits & UInt32(Self.countLimit - 1))
        return switch bits >> Self.countBits {
        case 0: count
        case 1: count * 1_000
        case 2: count * 1_000_000
        default: count * 1_000_000_000
        }
    }
}
