/// Payment card numbers: 13 to 19 digits, grouped by single spaces or dashes or not at all, with
/// an issuer prefix of a card scheme and a valid Luhn checksum.
struct CardNumberDetector: Detector {
    /// Where a number may start: at a digit.
    var starts = TriggerCursor.digits(reach: 0)
    var needsDigitOrColon: Bool { true }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        var digits: [UInt8] = []
        var groupEnds: [(digits: Int, end: Int)] = []
        var starts = self.starts
        while true {
            index = starts.candidate(from: index, in: text)
            guard index < text.count else { break }
            guard ASCII.isDigit(text[index]), !ASCII.isAlphanumeric(ASCII.byte(text, index - 1)) else {
                index += 1
                continue
            }
            digits.removeAll(keepingCapacity: true)
            groupEnds.removeAll(keepingCapacity: true)
            var cursor = index
            while cursor < text.count, digits.count <= 19 {
                let byte = text[cursor]
                if ASCII.isDigit(byte) {
                    digits.append(byte - 0x30)
                    cursor += 1
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-"), ASCII.isDigit(ASCII.byte(text, cursor + 1)) {
                    groupEnds.append((digits.count, cursor))
                    cursor += 1
                } else {
                    break
                }
            }
            let runEnd = cursor
            // The whole run, else its longest prefix ending at a group boundary: a card number
            // followed by a space and another number is still a card number.
            var candidates = [(digits.count, runEnd)]
            candidates += groupEnds.reversed().map { ($0.digits, $0.end) }
            for (count, end) in candidates where (13...19).contains(count) {
                guard end < runEnd || !ASCII.isAlphanumeric(ASCII.byte(text, end)) else { continue }
                let number = digits.prefix(count)
                if Self.hasIssuerPrefix(number), Luhn.isValid(number) {
                    matches.append(GuardrailMatch(check: .pii, type: "credit_card", range: index..<end))
                    break
                }
            }
            index = max(runEnd, index + 1)
        }
    }

    /// Whether `number` starts like a card of a known scheme of its length.
    static func hasIssuerPrefix(_ number: ArraySlice<UInt8>) -> Bool {
        func prefix(_ count: Int) -> Int { number.prefix(count).reduce(0) { $0 * 10 + Int($1) } }
        let length = number.count
        switch number.first! {
        case 4: return [13, 16, 19].contains(length)  // Visa
        case 2: return length == 16 && (2221...2720).contains(prefix(4))  // Mastercard 2-series
        case 5:
            if (51...55).contains(prefix(2)) { return length == 16 }  // Mastercard
            return [50, 56, 57, 58].contains(prefix(2)) && length >= 13  // Maestro
        case 3:
            if [34, 37].contains(prefix(2)) { return length == 15 }  // American Express
            if (3528...3589).contains(prefix(4)) { return length >= 16 }  // JCB
            return ((300...305).contains(prefix(3)) || [36, 38, 39].contains(prefix(2))) && length >= 14  // Diners Club
        case 6: return length >= 16 || prefix(2) == 67  // Discover, UnionPay, Maestro
        default: return false
        }
    }
}
