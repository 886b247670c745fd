/// The operator's deny phrases, matched on the squashed view (and inside encoded runs), so that
/// spacing, case, homoglyphs and leetspeak do not hide them.
struct DenyPhraseDetector: PhraseDetector {
    private let phrases: [[UInt8]]

    /// A detector of `phrases`; phrases that fold to nothing are ignored.
    init(phrases: [String]) {
        self.phrases = phrases.map(NormalizedText.squash).filter { !$0.isEmpty }
    }

    func scan(_ views: [NormalizedText], into matches: inout [GuardrailMatch]) {
        guard !phrases.isEmpty, views.contains(where: { contains($0.squashed) }) else { return }
        matches.append(GuardrailMatch(check: .denyPhrases, type: "deny_phrase", range: nil))
    }

    private func contains(_ squashed: ArraySlice<UInt8>) -> Bool {
        squashed.withUnsafeBufferPointer { squashed in
            phrases.contains { phrase in
                let first = phrase[0]
                return squashed.indices.contains { squashed[$0] == first && PhraseFamily.has(phrase, in: squashed, at: $0) }
            }
        }
    }
}
