/// Makes text from clients or providers safe for one log line: control characters (newlines
/// included, which would forge lines) are escaped, and long values are cut.
public enum LogText {
    /// Longest value written, in UTF-8 bytes; the rest is replaced by a note of its length.
    public static let maxBytes = 256

    /// `text` escaped (`\n`, `\r`, `\t`, `\u{..}` for other controls) and cut at ``maxBytes``.
    public static func safe(_ text: String) -> String {
        let clean = text.utf8.count <= maxBytes && text.unicodeScalars.allSatisfy { !isControl($0) }
        if clean { return text }
        var out = ""
        var written = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            case _ where isControl(scalar): piece = "\\u{\(String(scalar.value, radix: 16))}"
            default: piece = String(scalar)
            }
            guard written + piece.utf8.count <= maxBytes else {
                return out + "...(\(text.utf8.count) bytes)"
            }
            out += piece
            written += piece.utf8.count
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
