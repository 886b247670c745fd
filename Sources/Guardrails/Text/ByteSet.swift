/// A set of ASCII bytes as two 64-bit masks: whether a byte is in it costs a shift and a test,
/// not a chain of comparisons. Bytes from 0x80 are never in it.
struct ByteSet: Sendable {
    /// Bytes 0x00 to 0x3F, one bit each.
    private var low: UInt64 = 0
    /// Bytes 0x40 to 0x7F.
    private var high: UInt64 = 0

    /// The ASCII bytes of `members` and those that `include` accepts.
    init(_ members: StaticString, including include: (UInt8) -> Bool = { _ in false }) {
        let listed = UnsafeBufferPointer(start: members.utf8Start, count: members.utf8CodeUnitCount)
        for byte in UInt8(0)..<0x80 where listed.contains(byte) || include(byte) {
            if byte < 0x40 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 0x40) }
        }
    }

    /// Whether `byte` is in the set.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(byte & 0x3F)
        return byte < 0x40 ? low &>> bit & 1 != 0 : byte < 0x80 && high &>> bit & 1 != 0
    }

    /// The first run of at least `minimum` bytes of the set that starts at or after `start`,
    /// whole to its end: where `start` is inside a run, the part from `start` on counts. A run long
    /// enough holds the byte `minimum` - 1 on from where it starts: that byte is tested first, and
    /// when it is not in the set no run starting before it is long enough. Text whose runs are
    /// shorter (prose, for runs of letters) is passed testing a few bytes in each `minimum`.
    func firstRun(in text: UnsafeBufferPointer<UInt8>, from start: Int, atLeast minimum: Int) -> Range<Int>? {
        var index = max(start, 0)
        while index <= text.count - minimum {
            // Every byte from `index` to `index + minimum - 1` must be in the set; tested from the last back.
            var back = index + minimum - 1
            while back >= index, contains(text[back]) { back -= 1 }
            guard back < index else {
                index = back + 1
                continue
            }
            return index..<ASCII.run(text, from: index + minimum, contains)
        }
        return nil
    }
}
