import Synchronization

enum IDSource {
    static let seedLow = UInt64.random(in: .min ... .max)
    static let seedHigh = UInt64.random(in: .min ... .max)
    static let counter = Atomic<UInt64>(0)

    /// The splitmix64 finalizer: a bijection on 64-bit values that scatters consecutive inputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
