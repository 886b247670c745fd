import Foundation

/// The operator's deny phrases, matched on the squashed view (and inside encoded runs), so that
/// spacing, case, homoglyphs and leetspeak do not hide them.
struct DenyPhraseDetector: PhraseDetector {
    private let phrases: [[UInt8]]

    /// A detector of `phrases`; phrases that fold to nothing are ignored.
    init(phrases: [String]) {
        self.phrases = phrases.map(NormalizedText.squash).filter { !$0.isEmpty }
    }

    func scan(_ views: TextViews, into matches: inout [GuardrailMatch]) {
        guard !phrases.isEmpty, views.contains(where: { contains($0.squashed) }) else { return }
        matches.append(GuardrailMatch(check: .denyPhrases, type: "deny_phrase", range: nil))
    }

    private func contains(_ squashed: ArraySlice<UInt8>) -> Bool {
        squashed.withUnsafeBufferPointer { squashed in
            guard let base = squashed.baseAddress else { return false }
            return phrases.contains { phrase in
                // Each place the phrase's first letter is, found with memchr.
                var index = 0
                while index < squashed.count, let found = memchr(base + index, Int32(phrase[0]), squashed.count - index) {
                    index = UnsafeRawPointer(base).distance(to: found)
                    if PhraseFamily.has(phrase, in: squashed, at: index) { return true }
                    index += 1
                }
                return false
            }
        }
    }
}
