import Foundation

/// The views of a text that prompt-injection and deny-phrase matching read, with the common
/// disguises undone:
///
/// - compatibility decomposition (NFKD, which covers NFKC's folds: full-width and mathematical
///   letters, ligatures, circled letters) with combining marks dropped, so `ｉｇｎｏｒｅ`,
///   `𝐢𝐠𝐧𝐨𝐫𝐞` and `ïgnöre` read `ignore`;
/// - invisible and format characters removed (zero-width, bidi controls, soft hyphen, BOM), and
///   Unicode tag characters read as the ASCII they smuggle;
/// - common Cyrillic and Greek homoglyphs folded to Latin, and case folded;
/// - `squashed`: letters only, with look-alike digits and symbols folded into the letters they
///   stand for (`1`, `l`, `|` and `!` all read `i`; `0` reads `o`, `3` `e`, `4` and `@` `a`,
///   `5` and `$` `s`, `7` and `+` `t`), so spacing between letters (`i g n o r e`, `i.g.n.o.r.e`)
///   and leetspeak (`1gn0r3`) vanish;
/// - `symbols`: the folded text without white space, for chat-template delimiters.
///
/// ASCII text, the common case, takes a path without Foundation's Unicode tables.
struct NormalizedText {
    /// Both views in one allocation: the squashed view, then the symbols view from `split` to `end`.
    private var storage: [UInt8] = []
    private var split = 0
    private var end = 0

    /// Folded letters only.
    var squashed: ArraySlice<UInt8> { storage[..<split] }
    /// Folded text without white space, punctuation kept: the chat-template delimiters' view.
    /// Empty for an ASCII text without `<`, `[` or `#`, the bytes every delimiter opens with.
    var symbols: ArraySlice<UInt8> { storage[split..<end] }

    init(_ text: UnsafeBufferPointer<UInt8>) {
        if asciiViews(text) { return }
        var squashed: [UInt8] = []
        var symbols: [UInt8] = []
        squashed.reserveCapacity(text.count)
        symbols.reserveCapacity(text.count)
        let decomposed = String(decoding: text, as: UTF8.self).decomposedStringWithCompatibilityMapping
        for scalar in decomposed.unicodeScalars {
            if let ascii = Self.fold(scalar) {
                Self.append(ascii, squashed: &squashed, symbols: &symbols)
            } else if scalar.properties.generalCategory == .nonspacingMark || Self.isInvisible(scalar) {
                continue
            } else {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars where lowered.isASCII {
                    Self.append(UInt8(lowered.value), squashed: &squashed, symbols: &symbols)
                }
            }
        }
        storage = squashed + symbols
        split = squashed.count
        end = storage.count
    }

    /// Writes both views of an ASCII `text` in one pass, through one table lookup per byte: the
    /// squashed view from the front, the symbols view from the middle, then moved down to follow
    /// it. False, with nothing kept, when `text` is not ASCII.
    private mutating func asciiViews(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !text.isEmpty else { return true }
        // Most texts hold no byte a delimiter opens with, found eight bytes at a time.
        if ASCII.first(of: (UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "#")), in: text, from: 0) == text.count {
            return squashedView(text)
        }
        // Reserved, filled with two copies of the text and then overwritten: the standard library
        // allocates `Array(repeating:count:)` and `Array(unsafeUninitializedCapacity:)` through
        // unspecialised code that looks the storage's type up at run time (about 330 instructions
        // a call), `reserveCapacity` through code specialised for bytes.
        storage.reserveCapacity(2 * text.count)
        storage.append(contentsOf: text)
        storage.append(contentsOf: text)
        var split = 0
        var symbols = text.count
        let ascii = Self.asciiFolds.withUnsafeBufferPointer { folds in
            storage.withUnsafeMutableBufferPointer { views in
                for byte in text {
                    guard byte < 0x80 else { return false }
                    // Written whether or not the byte adds to a view (0: it does not), and kept
                    // only if it does: the squashed view's end stays below the symbols view's start.
                    let fold = folds[Int(byte)]
                    views[split] = fold.squashed
                    split &+= fold.squashed == 0 ? 0 : 1
                    views[symbols] = fold.symbol
                    symbols &+= fold.symbol == 0 ? 0 : 1
                }
                let base = views.baseAddress!
                memmove(base + split, base + text.count, symbols - text.count)
                return true
            }
        }
        guard ascii else {
            storage = []
            return false
        }
        self.split = split
        end = split + symbols - text.count
        return true
    }

    /// Writes the squashed view of an ASCII `text` alone, as ``asciiViews(_:)`` does both.
    private mutating func squashedView(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        storage.reserveCapacity(text.count)
        storage.append(contentsOf: text)
        var split = 0
        let ascii = Self.asciiFolds.withUnsafeBufferPointer { folds in
            storage.withUnsafeMutableBufferPointer { views in
                for byte in text {
                    guard byte < 0x80 else { return false }
                    let letter = folds[Int(byte)].squashed
                    views[split] = letter
                    split &+= letter == 0 ? 0 : 1
                }
                return true
            }
        }
        guard ascii else {
            storage = []
            return false
        }
        self.split = split
        end = split
        return true
    }

    /// Folds one ASCII byte into both views.
    private static func append(_ byte: UInt8, squashed: inout [UInt8], symbols: inout [UInt8]) {
        let fold = asciiFolds[Int(byte)]
        if fold.squashed != 0 { squashed.append(fold.squashed) }
        if fold.symbol != 0 { symbols.append(fold.symbol) }
    }

    /// What each ASCII byte adds to the squashed and the symbols view (0: nothing).
    private static let asciiFolds: [(squashed: UInt8, symbol: UInt8)] = (0..<128).map { byte in
        let lowered = ASCII.lowercased(UInt8(byte))
        return (squashedLetter(lowered) ?? 0, lowered > 0x20 && lowered < 0x7F ? lowered : 0)
    }

    /// The letter a byte reads as in the squashed view, or nil for bytes that are dropped.
    static func squashedLetter(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "l"), UInt8(ascii: "1"), UInt8(ascii: "|"), UInt8(ascii: "!"): UInt8(ascii: "i")
        case UInt8(ascii: "0"): UInt8(ascii: "o")
        case UInt8(ascii: "3"): UInt8(ascii: "e")
        case UInt8(ascii: "4"), UInt8(ascii: "@"): UInt8(ascii: "a")
        case UInt8(ascii: "5"), UInt8(ascii: "$"): UInt8(ascii: "s")
        case UInt8(ascii: "7"), UInt8(ascii: "+"): UInt8(ascii: "t")
        case UInt8(ascii: "8"): UInt8(ascii: "b")
        case UInt8(ascii: "9"): UInt8(ascii: "g")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte
        default: nil
        }
    }

    /// `phrase` as the squashed view would read it.
    static func squash(_ phrase: String) -> [UInt8] {
        var text = phrase
        return text.withUTF8 { Array(NormalizedText($0).squashed) }
    }

    /// An ASCII byte for ASCII scalars, Unicode tag characters (U+E0020...U+E007E carry ASCII
    /// invisibly) and Cyrillic and Greek letters that look like Latin ones.
    private static func fold(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 { return UInt8(value) }
        if (0xE0020...0xE007E).contains(value) { return UInt8(value - 0xE0000) }
        return homoglyphs[value]
    }

    private static let homoglyphs: [UInt32: UInt8] = {
        let pairs: [(String, String)] = [
            ("аеорсухіјѕԁһԛԝ", "aeopcyxijsdhqw"), ("АВЕКМНОРСТХІЈЅ", "abekmhopctxijs"),
            ("αβεικνορτυχωγ", "abeikvoptuxwy"), ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "abezhikmnoptyx"),
        ]
        var table: [UInt32: UInt8] = [:]
        for (from, to) in pairs {
            for (scalar, letter) in zip(from.unicodeScalars, to.utf8) { table[scalar.value] = letter }
        }
        return table
    }()

    /// Zero-width characters, bidi controls, the soft hyphen, word joiners and the BOM.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F,
            0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0xE0000...0xE0FFF:
            true
        default: scalar.properties.generalCategory == .format
        }
    }
}
