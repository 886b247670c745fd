/// Byte classes of ASCII, for the detectors' scanners.
enum ASCII {
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
    static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 0x61 < 6 }
    /// Letters, digits, `_` and `-`: the alphabet of most API keys and of base64url.
    static func isTokenByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == 0x5F || byte == 0x2D }
    static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }

    /// The byte at `index`, or 0 outside `text`: lets boundary checks read one past either end.
    static func byte(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8 {
        index >= 0 && index < text.count ? text[index] : 0
    }

    /// Whether `text` holds `literal` at `index`, ASCII case-insensitively when `caseInsensitive`.
    static func has(_ literal: StaticString, in text: UnsafeBufferPointer<UInt8>, at index: Int, caseInsensitive: Bool = false) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= text.count else { return false }
        let pattern = literal.utf8Start
        for offset in 0..<count {
            let byte = text[index + offset]
            if caseInsensitive ? lowercased(byte) != lowercased(pattern[offset]) : byte != pattern[offset] { return false }
        }
        return true
    }

    /// The end of the run of bytes from `index` for which `accept` holds. Inlined, so that
    /// `accept` is too rather than called for every byte.
    @inline(__always)
    static func run(_ text: UnsafeBufferPointer<UInt8>, from index: Int, _ accept: (UInt8) -> Bool) -> Int {
        var end = index
        while end < text.count, accept(text[end]) { end += 1 }
        return end
    }
}
