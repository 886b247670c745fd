/// One detector: a single pass over UTF-8 text that appends what it finds.
protocol Detector: Sendable {
    /// Whether every match holds an ASCII digit or a colon (numbers and addresses, whose scans
    /// start at a ``TriggerCursor`` of digits): a text with neither is not given to the detector.
    var needsDigitOrColon: Bool { get }

    /// Appends the matches in `text` to `matches`.
    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch])
}

extension Detector {
    var needsDigitOrColon: Bool { false }
}
