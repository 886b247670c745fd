import Foundation

/// Runs of base64, hex or percent-encoding inside a text, decoded so that what they hide is
/// scanned too. Bounded: the first 8 runs of at least 16 characters, 8 KiB decoded each, and
/// only decodings that read as text.
enum EncodedRuns {
    static let minimumRun = 16
    static let maximumRuns = 8
    static let maximumDecoded = 8 * 1024

    /// Calls `body` with each run of `text` that decodes to text.
    static func forEachDecoded(in text: UnsafeBufferPointer<UInt8>, _ body: ([UInt8]) -> Void) {
        _ = anyDecoded(in: text) { decoded in
            body(decoded)
            return false
        }
    }

    /// Whether `body` holds for a run of `text` that decodes to text; stops at the first.
    static func anyDecoded(in text: UnsafeBufferPointer<UInt8>, _ body: ([UInt8]) -> Bool) -> Bool {
        // Percent-encoding often leaves letters and spaces as they are: the whole text is decoded.
        let percentText = UnsafeBufferPointer(rebasing: text[..<min(text.count, maximumDecoded * 3)])
        if escapeCount(percentText, atLeast: 3), body(percentDecoded(percentText)) { return true }
        var index = 0
        var runs = 0
        while runs < maximumRuns, let found = runBytes.firstRun(in: text, from: index, atLeast: minimumRun) {
            index = found.upperBound
            let run = UnsafeBufferPointer(rebasing: text[found.lowerBound..<min(found.upperBound, found.lowerBound + maximumDecoded * 2)])
            guard let decoded = decode(run), isText(decoded) else { continue }
            runs += 1
            if body(decoded) { return true }
        }
        return false
    }

    /// Letters, digits and `+/=-_%`: the alphabets of base64, base64url, hex and percent-encoding.
    static let runBytes = ByteSet("+/=-_%", including: ASCII.isAlphanumeric)

    /// Whether `text` holds at least `minimum` percent escapes (`%` and two hex digits); the `%`s
    /// are found with `memchr`, so a text without any costs one vectorised pass.
    private static func escapeCount(_ text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int) -> Bool {
        guard let base = text.baseAddress else { return false }
        var count = 0
        var index = 0
        while index < text.count, let found = memchr(base + index, 0x25, text.count - index) {
            index = UnsafeRawPointer(base).distance(to: found)
            if ASCII.isHex(ASCII.byte(text, index + 1)) && ASCII.isHex(ASCII.byte(text, index + 2)) {
                count += 1
                if count >= minimum { return true }
            }
            index += 1
        }
        return false
    }

    private static func decode(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if escapeCount(run, atLeast: 3) { return percentDecoded(run) }
        if run.count % 2 == 0, run.allSatisfy(ASCII.isHex) { return hexDecoded(run) }
        return base64Decoded(run)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        ASCII.isDigit(byte) ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
    }

    private static func percentDecoded(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < run.count {
            if run[index] == UInt8(ascii: "%"), ASCII.isHex(ASCII.byte(run, index + 1)), ASCII.isHex(ASCII.byte(run, index + 2)) {
                out.append(hexValue(run[index + 1]) << 4 | hexValue(run[index + 2]))
                index += 3
            } else {
                out.append(run[index] == UInt8(ascii: "+") ? 0x20 : run[index])
                index += 1
            }
        }
        return out
    }

    private static func hexDecoded(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        stride(from: 0, to: run.count, by: 2).map { hexValue(run[$0]) << 4 | hexValue(run[$0 + 1]) }
    }

    /// Standard or URL-safe base64, padding optional; nil for anything else.
    private static func base64Decoded(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in run {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - 0x41)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - 0x61 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - 0x30 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    /// Whether most of `bytes` is printable ASCII, white space or UTF-8.
    private static func isText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let printable = bytes.count { $0 >= 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let letters = bytes.count { ASCII.isLetter($0) }
        return printable * 100 >= bytes.count * 95 && letters * 2 >= bytes.count
    }
}
