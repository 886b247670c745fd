/// IPv4 addresses in dotted decimal (octets 0-255, no leading zeros) and IPv6 addresses (eight
/// groups, or fewer around one `::`).
struct IPAddressDetector: Detector {
    /// Where an address may start: IPv4 at a digit; IPv6 has a colon after at most four hex digits.
    var starts = TriggerCursor(reach: 4) { ASCII.firstDigit(in: $0, from: $1, orColon: true) }
    var needsDigitOrColon: Bool { true }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        var starts = self.starts
        while true {
            index = starts.candidate(from: index, in: text)
            guard index < text.count else { break }
            let before = ASCII.byte(text, index - 1)
            guard ASCII.isHex(text[index]) || text[index] == UInt8(ascii: ":"), !ASCII.isAlphanumeric(before), before != UInt8(ascii: "."),
                before != UInt8(ascii: ":"), let end = Self.ipv4(text, index) ?? Self.ipv6(text, index)
            else {
                index += 1
                continue
            }
            matches.append(GuardrailMatch(check: .pii, type: "ip_address", range: index..<end))
            index = end
        }
    }

    static func ipv4(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var cursor = start
        for octet in 0..<4 {
            if octet > 0 {
                guard ASCII.byte(text, cursor) == UInt8(ascii: ".") else { return nil }
                cursor += 1
            }
            let end = ASCII.run(text, from: cursor, ASCII.isDigit)
            let length = end - cursor
            guard (1...3).contains(length), length == 1 || text[cursor] != UInt8(ascii: "0") else { return nil }
            let value = (cursor..<end).reduce(0) { $0 * 10 + Int(text[$1] - 0x30) }
            guard value <= 255 else { return nil }
            cursor = end
        }
        let after = ASCII.byte(text, cursor)
        guard !ASCII.isAlphanumeric(after), !(after == UInt8(ascii: ".") && ASCII.isDigit(ASCII.byte(text, cursor + 1))) else { return nil }
        return cursor
    }

    static func ipv6(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var cursor = start
        var groups = 0
        var compressed = false
        var end = start
        while cursor < text.count {
            if text[cursor] == UInt8(ascii: ":") {
                if ASCII.byte(text, cursor + 1) == UInt8(ascii: ":") {
                    guard !compressed else { break }
                    compressed = true
                    cursor += 2
                    end = cursor
                    continue
                }
                guard groups > 0, ASCII.isHex(ASCII.byte(text, cursor + 1)) else { break }
                cursor += 1
            }
            let groupEnd = ASCII.run(text, from: cursor, ASCII.isHex)
            guard groupEnd > cursor else { break }
            guard groupEnd - cursor <= 4 else { return nil }
            groups += 1
            cursor = groupEnd
            end = cursor
            guard groups < 8 else { break }
            guard ASCII.byte(text, cursor) == UInt8(ascii: ":") else { break }
        }
        guard (groups == 8 && !compressed) || (compressed && (2...7).contains(groups)) else { return nil }
        let after = ASCII.byte(text, end)
        guard !ASCII.isAlphanumeric(after), after != UInt8(ascii: ":") else { return nil }
        return end
    }
}
