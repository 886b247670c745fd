/// A fixed xorshift sequence for the drawn tests, so that a failure repeats.
struct Draws {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The next number below `bound`.
    mutating func callAsFunction(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
