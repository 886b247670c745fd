/// A family of phrases over the squashed view: slots in order, each a set of alternatives; filler
/// slots may repeat up to three times or be skipped. `ignore all previous instructions`,
/// `disregard the above rules` and `forget your prior directives` are one family.
struct PhraseFamily: Sendable {
    /// One position of the phrase.
    struct Slot: Sendable {
        let words: [[UInt8]]
        let optional: Bool
    }

    /// The type reported for a match, e.g. `override_instructions`.
    let type: StaticString
    let slots: [Slot]

    /// A family; `[word, ...]?` marks a filler slot.
    init(_ type: StaticString, _ slots: [(words: [String], filler: Bool)]) {
        self.type = type
        self.slots = slots.map { slot in
            Slot(words: slot.words.map(NormalizedText.squash).sorted { $0.count > $1.count }, optional: slot.filler)
        }
    }

    /// The bytes any match starts with (the first slot's first letters), for skipping positions quickly.
    var firstBytes: Set<UInt8> { Set(slots[0].words.compactMap(\.first)) }

    /// Whether a phrase of the family starts at `start` of `text`.
    func matches(_ text: [UInt8], at start: Int) -> Bool { match(text, at: start, slot: 0) }

    private func match(_ text: [UInt8], at position: Int, slot: Int) -> Bool {
        guard slot < slots.count else { return true }
        let current = slots[slot]
        if current.optional {
            // Up to three fillers, then the next slot.
            var positions = [position]
            var frontier = [position]
            for _ in 0..<3 {
                frontier = frontier.flatMap { at in current.words.filter { Self.has($0, in: text, at: at) }.map { at + $0.count } }
                positions += frontier
                if frontier.isEmpty { break }
            }
            return positions.contains { match(text, at: $0, slot: slot + 1) }
        }
        for word in current.words where Self.has(word, in: text, at: position) {
            if match(text, at: position + word.count, slot: slot + 1) { return true }
        }
        return false
    }

    static func has(_ word: [UInt8], in text: [UInt8], at position: Int) -> Bool {
        guard position + word.count <= text.count else { return false }
        for offset in word.indices where text[position + offset] != word[offset] { return false }
        return true
    }
}
