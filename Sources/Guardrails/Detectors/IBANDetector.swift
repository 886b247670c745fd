/// International bank account numbers: a country code, two check digits and the country's
/// length of letters and digits (grouped by spaces or not), passing the ISO 7064 mod-97 check.
struct IBANDetector: Detector {
    /// Where an IBAN may start: its check digits follow the two letters of the country code.
    var starts = TriggerCursor.digits(reach: 2)
    var needsDigitOrColon: Bool { true }

    /// IBAN lengths by country (the SWIFT registry).
    static let lengths: [UInt16: Int] = {
        let table =
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 "
            + "FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 "
            + "LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 "
            + "SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
        var lengths: [UInt16: Int] = [:]
        for entry in table.split(separator: " ") {
            let bytes = Array(entry.utf8)
            lengths[UInt16(bytes[0]) << 8 | UInt16(bytes[1])] = Int(bytes[2] - 0x30) * 10 + Int(bytes[3] - 0x30)
        }
        return lengths
    }()

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        var characters: [UInt8] = []
        var starts = self.starts
        while true {
            index = starts.candidate(from: index, in: text)
            guard index + 4 <= text.count else { break }
            let first = ASCII.lowercased(text[index]) &- 0x20
            let second = ASCII.lowercased(text[index + 1]) &- 0x20
            guard ASCII.isUpper(first), ASCII.isUpper(second), ASCII.isDigit(text[index + 2]), ASCII.isDigit(text[index + 3]),
                !ASCII.isAlphanumeric(ASCII.byte(text, index - 1)), let length = Self.lengths[UInt16(first) << 8 | UInt16(second)]
            else {
                index += 1
                continue
            }
            characters.removeAll(keepingCapacity: true)
            var cursor = index
            while cursor < text.count, characters.count < length {
                let byte = text[cursor]
                if ASCII.isAlphanumeric(byte) {
                    characters.append(ASCII.isLower(byte) ? byte - 0x20 : byte)
                    cursor += 1
                } else if byte == UInt8(ascii: " "), ASCII.isAlphanumeric(ASCII.byte(text, cursor + 1)) {
                    cursor += 1
                } else {
                    break
                }
            }
            if characters.count == length, !ASCII.isAlphanumeric(ASCII.byte(text, cursor)), Self.checksumIsValid(characters) {
                matches.append(GuardrailMatch(check: .pii, type: "iban", range: index..<cursor))
                index = cursor
            } else {
                index += 1
            }
        }
    }

    /// ISO 7064 MOD 97-10: the BBAN, then the country code and check digits, with letters as 10...35, is 1 modulo 97.
    static func checksumIsValid(_ characters: [UInt8]) -> Bool {
        var remainder = 0
        for character in characters[4...] + characters[..<4] {
            if ASCII.isDigit(character) {
                remainder = (remainder * 10 + Int(character - 0x30)) % 97
            } else if ASCII.isUpper(character) {
                remainder = (remainder * 100 + Int(character - 0x41 + 10)) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }
}
