/// One detector: a single pass over UTF-8 text that appends what it finds.
protocol Detector: Sendable {
    /// Appends the matches in `text` to `matches`.
    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch])
}
