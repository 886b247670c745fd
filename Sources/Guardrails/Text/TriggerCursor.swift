/// Where a detector's scan may find a match: only within `reach` bytes before a trigger byte that
/// every match holds there (a digit, for most PII). The scan asks for its next position, and the
/// stretches of text with no trigger near are passed at the speed of the trigger search instead
/// of being tried byte by byte.
struct TriggerCursor: Sendable {
    /// How many bytes before its trigger a match may start.
    let reach: Int
    /// The first trigger at or after a position, or the text's length when none is left.
    let nextTrigger: @Sendable (UnsafeBufferPointer<UInt8>, Int) -> Int
    private var trigger = -1

    /// A cursor for matches that start at most `reach` bytes before a trigger that `nextTrigger` finds.
    init(reach: Int, nextTrigger: @escaping @Sendable (UnsafeBufferPointer<UInt8>, Int) -> Int) {
        self.reach = reach
        self.nextTrigger = nextTrigger
    }

    /// Every position a candidate: the scan tries each byte, as a reference for the tests.
    static var everyPosition: TriggerCursor { TriggerCursor(reach: 0) { _, index in index } }

    /// Starts at most `reach` bytes before a digit.
    static func digits(reach: Int) -> TriggerCursor { TriggerCursor(reach: reach) { ASCII.firstDigit(in: $0, from: $1) } }

    /// `index` when a match may start there, else the next position where one may; the text's
    /// length when none may start at or after `index`.
    mutating func candidate(from index: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        guard index > trigger else { return index }
        trigger = nextTrigger(text, index)
        return trigger < text.count ? max(index, trigger - reach) : text.count
    }
}

extension ASCII {
    /// The first digit (or, with `orColon`, digit or `:`) at or after `start`, or `text.count`.
    /// Eight bytes are tested at a time: after an XOR with `0x30` a digit is a byte below 10 and
    /// after one with `0x3A` a colon is zero, which the borrow test finds (it may flag a word
    /// without one, never miss one; the byte loop then decides).
    static func firstDigit(in text: UnsafeBufferPointer<UInt8>, from start: Int, orColon: Bool = false) -> Int {
        guard let base = text.baseAddress else { return text.count }
        var index = min(max(0, start), text.count)
        let raw = UnsafeRawPointer(base)
        while index + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let digits = word ^ 0x3030_3030_3030_3030
            var flags = (digits &- 0x0A0A_0A0A_0A0A_0A0A) & ~digits
            if orColon {
                let colons = word ^ 0x3A3A_3A3A_3A3A_3A3A
                flags |= (colons &- 0x0101_0101_0101_0101) & ~colons
            }
            if flags & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < text.count, !isDigit(text[index]), !orColon || text[index] != UInt8(ascii: ":") { index += 1 }
        return index
    }

    /// The first of the three bytes `wanted` at or after `start`, or `text.count`. Eight bytes are
    /// tested at a time: after an XOR with a wanted byte it is zero, which the borrow test finds
    /// (it may flag a word without one, never miss one; the byte loop then decides).
    static func first(of wanted: (UInt8, UInt8, UInt8), in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = text.baseAddress else { return text.count }
        var index = min(max(0, start), text.count)
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let (first, second, third) = (ones &* UInt64(wanted.0), ones &* UInt64(wanted.1), ones &* UInt64(wanted.2))
        while index + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let (x, y, z) = (word ^ first, word ^ second, word ^ third)
            let flags = ((x &- ones) & ~x) | ((y &- ones) & ~y) | ((z &- ones) & ~z)
            if flags & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < text.count, text[index] != wanted.0, text[index] != wanted.1, text[index] != wanted.2 { index += 1 }
        return index
    }
}
