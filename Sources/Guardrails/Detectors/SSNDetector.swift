/// US Social Security numbers written `AAA-GG-SSSS` (dashes or spaces), with a valid area (not
/// 000, 666 or 900-999), group (not 00) and serial (not 0000).
struct SSNDetector: Detector {
    /// Where a number may start: at a digit.
    var starts = TriggerCursor.digits(reach: 0)
    var needsDigitOrColon: Bool { true }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        var starts = self.starts
        while true {
            index = starts.candidate(from: index, in: text)
            guard index + 11 <= text.count else { break }
            guard ASCII.isDigit(text[index]), !ASCII.isAlphanumeric(ASCII.byte(text, index - 1)), ASCII.byte(text, index - 1) != UInt8(ascii: "-") else {
                index += 1
                continue
            }
            let separator = text[index + 3]
            let digitsAt = [0, 1, 2, 4, 5, 7, 8, 9, 10]
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: " "), text[index + 6] == separator,
                digitsAt.allSatisfy({ ASCII.isDigit(text[index + $0]) })
            else {
                index += 1
                continue
            }
            let after = ASCII.byte(text, index + 11)
            let continues = ASCII.isAlphanumeric(after) || (after == UInt8(ascii: "-") && ASCII.isDigit(ASCII.byte(text, index + 12)))
            func number(_ offsets: [Int]) -> Int { offsets.reduce(0) { $0 * 10 + Int(text[index + $1] - 0x30) } }
            let area = number([0, 1, 2])
            let group = number([4, 5])
            let serial = number([7, 8, 9, 10])
            if !continues, area != 0, area != 666, area < 900, group != 0, serial != 0 {
                matches.append(GuardrailMatch(check: .pii, type: "us_ssn", range: index..<(index + 11)))
                index += 11
            } else {
                index += 1
            }
        }
    }
}
