/// A detector that reads the normalised views of a text (the text's own, then those of the
/// encoded runs inside it) rather than its bytes.
protocol PhraseDetector: Sendable {
    /// Appends the matches in `views` to `matches`.
    func scan(_ views: TextViews, into matches: inout [GuardrailMatch])
}
