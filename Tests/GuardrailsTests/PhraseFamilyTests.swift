@testable import Guardrails
import TestSupport
import Testing

@Suite("Phrase families")
struct PhraseFamilyTests {
    typealias Slots = [(words: [String], filler: Bool)]

    /// The phrases of `slots` at `position` of `text`, by plain backtracking over every word of a
    /// slot in the order given: what ``PhraseFamily`` must answer, however it orders its search.
    static func reference(_ slots: [(words: [[UInt8]], filler: Bool)], _ text: [UInt8], at position: Int, slot: Int, fillersLeft: Int) -> Bool {
        guard slot < slots.count else { return true }
        func has(_ word: [UInt8]) -> Bool { position + word.count <= text.count && Array(text[position..<(position + word.count)]) == word }
        if slots[slot].filler {
            if reference(slots, text, at: position, slot: slot + 1, fillersLeft: 3) { return true }
            guard fillersLeft > 0 else { return false }
            return slots[slot].words.contains { has($0) && reference(slots, text, at: position + $0.count, slot: slot, fillersLeft: fillersLeft - 1) }
        }
        return slots[slot].words.contains { has($0) && reference(slots, text, at: position + $0.count, slot: slot + 1, fillersLeft: 3) }
    }

    @Test("300 drawn families over four letters, with fillers, shared prefixes and words that contain each other, match at every position of drawn texts as plain backtracking does, and their last words' keys are in every text they match")
    func matchesReference() {
        var generator = SplitMix64(seed: 31)
        let alphabet = Array("abcd".utf8)
        func word(_ lengths: ClosedRange<Int>) -> String {
            String(decoding: (0..<Int.random(in: lengths, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
        }
        var matched = 0
        var keyed = 0
        for _ in 0..<300 {
            var slots: Slots = [(words: (0..<Int.random(in: 1...4, using: &generator)).map { _ in word(2...4) }, filler: false)]
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                slots.append((words: (0..<Int.random(in: 1...5, using: &generator)).map { _ in word(1...3) }, filler: Bool.random(using: &generator)))
            }
            let family = PhraseFamily("test", slots)
            let squashed = slots.map { (words: $0.words.map(NormalizedText.squash), filler: $0.filler) }
            for _ in 0..<10 {
                // Words of the family and stray letters, so that phrases occur whole, cut and overlapping.
                var text: [UInt8] = []
                while text.count < 40 {
                    if Bool.random(using: &generator), let words = slots.randomElement(using: &generator)?.words {
                        text += Array(words.randomElement(using: &generator)!.utf8)
                    } else {
                        text.append(alphabet.randomElement(using: &generator)!)
                    }
                }
                // A phrase's last word starts and ends at two of the text's three-letter keys,
                // which the family's last-word keys must name.
                let keys = Set((0..<max(0, text.count - 2)).map { PhraseFamily.startKey(text[$0], text[$0 + 1], text[$0 + 2]) })
                text.withUnsafeBufferPointer { buffer in
                    for position in 0...text.count {
                        let expected = Self.reference(squashed, text, at: position, slot: 0, fillersLeft: 3)
                        #expect(family.matches(buffer, at: position) == expected, "\(slots) at \(position) of \(String(decoding: text, as: UTF8.self))")
                        if expected {
                            matched += 1
                            if let (heads, tails) = family.lastWordKeys {
                                #expect(!heads.isDisjoint(with: keys) && !tails.isDisjoint(with: keys), "\(slots) in \(String(decoding: text, as: UTF8.self))")
                                keyed += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(matched > 1000, "the drawn texts hold phrases of their families")
        #expect(keyed > 300, "of families whose last words all have three letters or more")
    }

    @Test("a byte outside the squashed view's letters starts no word, at any slot")
    func strayBytes() {
        let family = PhraseFamily("test", [(words: ["ab"], filler: false), (words: ["c"], filler: true), (words: ["d"], filler: false)])
        for text in ["abd", "abcd", "abccd"].map({ Array($0.utf8) }) {
            text.withUnsafeBufferPointer { #expect(family.matches($0, at: 0)) }
        }
        for text in [[0x61, 0x62, 0x00, 0x64], [0x61, 0x62, 0xFF], [0x61, 0x62, 0x63, 0x7B], [0x61, 0x62]] as [[UInt8]] {
            text.withUnsafeBufferPointer { #expect(!family.matches($0, at: 0)) }
        }
    }
}
