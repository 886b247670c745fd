/// Phone numbers: international (`+` and 8 to 15 digits in groups), North American
/// (`(212) 555-0142`, `212-555-0142`, `+1 212.555.0142`) and national numbers with a trunk
/// prefix 0 written in groups (`020 7946 0958`, `06 12 34 56 78`, `030-1234567`).
struct PhoneDetector: Detector {
    /// Where a number may start: every number has a digit at its start or right after it (`+1`, `(212)`).
    var starts = TriggerCursor.digits(reach: 1)
    var needsDigitOrColon: Bool { true }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        var starts = self.starts
        while true {
            index = starts.candidate(from: index, in: text)
            guard index < text.count else { break }
            let byte = text[index]
            let before = ASCII.byte(text, index - 1)
            // A number right after another group of digits is the tail of a longer number, not a phone.
            let afterDigits = (before == UInt8(ascii: " ") || before == UInt8(ascii: "-")) && ASCII.isDigit(ASCII.byte(text, index - 2))
            guard byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") || ASCII.isDigit(byte), !afterDigits,
                !ASCII.isAlphanumeric(before), before != UInt8(ascii: "+"), before != UInt8(ascii: "."), before != UInt8(ascii: "-"),
                let end = Self.international(text, index) ?? Self.northAmerican(text, index) ?? Self.national(text, index)
            else {
                index += 1
                continue
            }
            matches.append(GuardrailMatch(check: .pii, type: "phone", range: index..<end))
            index = end
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// Whether the number ending at `end` is not glued to more digits or letters.
    private static func ends(_ text: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        let after = ASCII.byte(text, end)
        if ASCII.isAlphanumeric(after) { return false }
        let glued = after == UInt8(ascii: "-") || after == UInt8(ascii: ".") || after == UInt8(ascii: "/")
        return !(glued && ASCII.isDigit(ASCII.byte(text, end + 1)))
    }

    /// `+CC ...`: 8 to 15 digits, groups split by one separator or parentheses.
    private static func international(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard text[start] == UInt8(ascii: "+"), ASCII.isDigit(ASCII.byte(text, start + 1)) else { return nil }
        var cursor = start + 1
        var digits = 0
        var end = cursor
        while cursor < text.count, digits <= 15 {
            let byte = text[cursor]
            if ASCII.isDigit(byte) {
                digits += 1
                cursor += 1
                end = cursor
            } else if isSeparator(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")"),
                ASCII.isDigit(ASCII.byte(text, cursor + 1)) || (byte == UInt8(ascii: " ") && ASCII.byte(text, cursor + 1) == UInt8(ascii: "("))
            {
                cursor += 1
            } else {
                break
            }
        }
        guard (8...15).contains(digits), !ASCII.isDigit(ASCII.byte(text, end)), !ASCII.isLetter(ASCII.byte(text, end)) else { return nil }
        return end
    }

    /// `(NXX) NXX-XXXX`, `NXX-NXX-XXXX`, `NXX.NXX.XXXX`, `NXX NXX XXXX`, optionally after `1 ` or `1-`.
    private static func northAmerican(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var cursor = start
        func digits(_ count: Int, firstAtLeast minimum: UInt8 = 0) -> Bool {
            guard cursor + count <= text.count, (0..<count).allSatisfy({ ASCII.isDigit(text[cursor + $0]) }), text[cursor] - 0x30 >= minimum else { return false }
            cursor += count
            return true
        }
        if text[cursor] == UInt8(ascii: "1"), isSeparator(ASCII.byte(text, cursor + 1)) { cursor += 2 }
        var separator: UInt8
        if ASCII.byte(text, cursor) == UInt8(ascii: "(") {
            cursor += 1
            guard digits(3, firstAtLeast: 2), ASCII.byte(text, cursor) == UInt8(ascii: ")") else { return nil }
            cursor += 1
            if ASCII.byte(text, cursor) == UInt8(ascii: " ") { cursor += 1 }
            separator = UInt8(ascii: "-")
        } else {
            guard digits(3, firstAtLeast: 2) else { return nil }
            separator = ASCII.byte(text, cursor)
            guard isSeparator(separator) else { return nil }
            cursor += 1
        }
        guard digits(3, firstAtLeast: 2) else { return nil }
        let second = ASCII.byte(text, cursor)
        guard second == separator || (isSeparator(second) && text[start] == UInt8(ascii: "(")) else { return nil }
        cursor += 1
        guard digits(4), ends(text, cursor) else { return nil }
        return cursor
    }

    /// `0…` in two or more groups of at least two digits, 10 or 11 digits in all.
    private static func national(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard text[start] == UInt8(ascii: "0") else { return nil }
        var cursor = start
        var digits = 0
        var groups = 0
        var groupLength = 0
        var separator: UInt8 = 0
        while cursor < text.count {
            let byte = text[cursor]
            if ASCII.isDigit(byte) {
                digits += 1
                groupLength += 1
                cursor += 1
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-"), ASCII.isDigit(ASCII.byte(text, cursor + 1)), groupLength >= 2,
                separator == 0 || separator == byte
            {
                separator = byte
                groups += 1
                groupLength = 0
                cursor += 1
            } else {
                break
            }
        }
        guard groupLength >= 2, groups >= 1, (10...11).contains(digits), ends(text, cursor) else { return nil }
        return cursor
    }
}
