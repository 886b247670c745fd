/// A family of phrases over the squashed view: slots in order, each a set of alternatives; filler
/// slots may repeat up to three times or be skipped. `ignore all previous instructions`,
/// `disregard the above rules` and `forget your prior directives` are one family.
final class PhraseFamily: Sendable {
    /// Whether each slot is a filler (may repeat up to three times or be skipped).
    private let optional: [Bool]

    /// The type reported for a match, e.g. `override_instructions`.
    let type: StaticString
    /// Every slot's words in the squashed view's letters, one after another: a match reads them
    /// by index, without copying (and reference counting) arrays of arrays.
    private let letters: [UInt8]
    /// Each word's letters in ``letters``, by slot and then by first letter, longest first.
    private let words: [Range<Int>]
    /// The words of slot `s` that start with letter `c` (0 for `a`): `words[buckets[s * 26 + c]]`.
    /// A slot is tried only with the words that start with the text's next letter, not with all of
    /// them (up to 23 in a slot). A word that squashes to no letter is in no group (none does).
    private let buckets: [Range<Int>]
    /// The first three letters of the words a match can start with, as ``startKey(_:_:_:)`` numbers
    /// them, and the letters that may come fourth (bit 0 for `a`); every letter after a word of
    /// three letters or fewer.
    let startKeys: [Int: UInt32]
    /// The first and the last three letters of each word of the last slot that is not a filler,
    /// as ``startKey(_:_:_:)`` numbers them: a text holds a phrase of the family only if it holds
    /// one of the heads and one of the tails. Nil when a word of that slot is shorter than three
    /// letters.
    let lastWordKeys: (heads: Set<Int>, tails: Set<Int>)?

    /// A family; `filler: true` marks a slot that may repeat or be skipped. The first slot's words
    /// must be two letters or more.
    init(_ type: StaticString, _ slots: [(words: [String], filler: Bool)]) {
        self.type = type
        var letters: [UInt8] = []
        var words: [Range<Int>] = []
        var buckets: [Range<Int>] = []
        for slot in slots {
            let squashed = slot.words.map(NormalizedText.squash)
            for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
                let first = words.count
                for word in squashed.filter({ $0.first == letter }).sorted(by: { $0.count > $1.count }) {
                    words.append(letters.count..<(letters.count + word.count))
                    letters += word
                }
                buckets.append(first..<words.count)
            }
        }
        self.optional = slots.map(\.filler)
        self.letters = letters
        self.words = words
        self.buckets = buckets
        var keys: [Int: UInt32] = [:]
        for word in words[buckets[0].lowerBound..<buckets[25].upperBound].map({ Array(letters[$0]) }) where word.count >= 2 {
            // A two-letter word may be followed by any letter, a three-letter one too.
            let fourth: UInt32 = word.count >= 4 ? 1 << UInt32(word[3] - 0x61) : Self.anyLetter
            for third in word.count >= 3 ? [word[2]] : Array(UInt8(ascii: "a")...UInt8(ascii: "z")) {
                keys[Self.startKey(word[0], word[1], third), default: 0] |= fourth
            }
        }
        self.startKeys = keys
        if let last = slots.lastIndex(where: { !$0.filler }) {
            let lastWords = words[buckets[last * 26].lowerBound..<buckets[last * 26 + 25].upperBound].map { Array(letters[$0]) }
            lastWordKeys =
                lastWords.allSatisfy { $0.count >= 3 }
                ? (Set(lastWords.map { Self.startKey($0[0], $0[1], $0[2]) }), Set(lastWords.map { Self.startKey($0[$0.count - 3], $0[$0.count - 2], $0[$0.count - 1]) }))
                : nil
        } else {
            lastWordKeys = nil
        }
    }

    /// A bit for each of the 26 letters.
    static let anyLetter: UInt32 = (1 << 26) - 1

    /// Three letters of the squashed view (a to z) as one number below 26^3.
    static func startKey(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Int {
        (Int(first) - 0x61) * 676 + (Int(second) - 0x61) * 26 + (Int(third) - 0x61)
    }

    /// Whether a phrase of the family starts at `start` of `text`.
    func matches(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        letters.withUnsafeBufferPointer { letters in
            words.withUnsafeBufferPointer { words in
                buckets.withUnsafeBufferPointer { buckets in
                    optional.withUnsafeBufferPointer { optional in
                        Search(text: text, letters: letters, words: words, buckets: buckets, optional: optional).match(at: start, slot: 0, fillersLeft: 3)
                    }
                }
            }
        }
    }

    /// One search of a text, over the family's tables read through pointers: the backtracking
    /// reads them at every step, and an array property of a class costs a load of its buffer and
    /// a bounds check at each.
    private struct Search {
        let text: UnsafeBufferPointer<UInt8>
        let letters: UnsafeBufferPointer<UInt8>
        let words: UnsafeBufferPointer<Range<Int>>
        let buckets: UnsafeBufferPointer<Range<Int>>
        let optional: UnsafeBufferPointer<Bool>

        func match(at position: Int, slot: Int, fillersLeft: Int) -> Bool {
            guard slot < optional.count else { return true }
            // The squashed view holds only `a` to `z`; any other byte, or the text's end, starts no word.
            let letter = position < text.count ? Int(text[position] &- 0x61) : 26
            let candidates = letter < 26 ? buckets[slot &* 26 &+ letter] : 0..<0
            if optional[slot] {
                // The next slot here, or one more filler and this slot again.
                if match(at: position, slot: slot + 1, fillersLeft: 3) { return true }
                guard fillersLeft > 0 else { return false }
                for word in candidates where has(word, at: position) {
                    if match(at: position + words[word].count, slot: slot, fillersLeft: fillersLeft - 1) { return true }
                }
                return false
            }
            for word in candidates where has(word, at: position) {
                if match(at: position + words[word].count, slot: slot + 1, fillersLeft: 3) { return true }
            }
            return false
        }

        /// Whether word number `word` is in the text at `position`.
        func has(_ word: Int, at position: Int) -> Bool {
            let range = words[word]
            guard position + range.count <= text.count else { return false }
            for offset in 0..<range.count where text[position &+ offset] != letters[range.lowerBound &+ offset] { return false }
            return true
        }
    }

    static func has(_ word: [UInt8], in text: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        guard position + word.count <= text.count else { return false }
        return word.withUnsafeBufferPointer { word in
            for offset in 0..<word.count where text[position + offset] != word[offset] { return false }
            return true
        }
    }
}
