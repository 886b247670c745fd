import Foundation

/// E-mail addresses: a local part, `@`, and a domain of at least two labels whose last is letters.
struct EmailDetector: Detector {
    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        guard let base = text.baseAddress else { return }
        var index = 0
        // Each `@` found with memchr: prose has few, and most texts none.
        while index < text.count, let found = memchr(base + index, 0x40, text.count - index) {
            let at = UnsafeRawPointer(base).distance(to: found)
            index += 1
            var start = at
            while start > 0, Self.isLocal(text[start - 1]) { start -= 1 }
            while start < at, text[start] == UInt8(ascii: ".") { start += 1 }
            guard start < at, at - start <= 64 else { continue }
            var end = ASCII.run(text, from: at + 1) { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
            while end > at + 1, text[end - 1] == UInt8(ascii: ".") || text[end - 1] == UInt8(ascii: "-") { end -= 1 }
            guard Self.isDomain(text, (at + 1)..<end) else { continue }
            matches.append(GuardrailMatch(check: .pii, type: "email", range: start..<end))
            index = end
        }
    }

    private static func isLocal(_ byte: UInt8) -> Bool {
        ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// Labels of letters, digits and inner hyphens, at least two, the last of two or more letters.
    private static func isDomain(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 4, range.count <= 253 else { return false }
        var labels = 0
        var labelStart = range.lowerBound
        for index in range.lowerBound...range.upperBound where index == range.upperBound || text[index] == UInt8(ascii: ".") {
            let label = labelStart..<index
            guard !label.isEmpty, label.count <= 63, text[label.lowerBound] != UInt8(ascii: "-"), text[label.upperBound - 1] != UInt8(ascii: "-")
            else { return false }
            labels += 1
            labelStart = index + 1
            if index == range.upperBound {
                return labels >= 2 && label.count >= 2 && label.allSatisfy { ASCII.isLetter(text[$0]) }
            }
        }
        return false
    }
}
