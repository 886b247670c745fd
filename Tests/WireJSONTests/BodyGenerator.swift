/// Generates request bodies for differential tests: read fields and others, keys written plain or
/// with escapes, duplicates, unicode, nesting, white space and numbers of every shape.
struct BodyGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// splitmix64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    static let readKeys = ["model", "messages", "stream", "max_tokens", "max_completion_tokens", "stream_options"]
    static let otherKeys = ["temperature", "user", "n", "Model", "model ", "modell", "tools", "metadata", "é", "😀"]
    static let numbers = [
        "0", "-1", "1", "7", "4096", "2147483648", "4294967296", "9007199254740992", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "1.5", "1e3", "1E400", "-0", "0.0", "12e-1", "100000000000000000000000",
    ]

    /// One body: mostly a plausible chat request, often with something hostile in it.
    mutating func body() -> String {
        var members: [(String, String)] = []
        if chance(95) { members.append(("model", modelValue())) }
        if chance(95) { members.append(("messages", messages())) }
        if chance(60) { members.append(("stream", pick(["true", "false", "null", "\"true\"", "1"]))) }
        if chance(40) { members.append(("max_tokens", number())) }
        if chance(20) { members.append(("max_completion_tokens", number())) }
        if chance(30) { members.append(("stream_options", streamOptions())) }
        for _ in 0..<below(3) { members.append((pick(Self.otherKeys), value(depth: 0))) }
        if chance(15), let duplicate = members.randomElement(using: &self) { members.append((duplicate.0, value(depth: 0))) }
        members.shuffle(using: &self)
        let inner = members.map { key, value in space() + quoted(key, escapeKeys: true) + space() + ":" + space() + value + space() }
        return space() + "{" + inner.joined(separator: ",") + "}" + space()
    }

    private mutating func modelValue() -> String {
        switch below(10) {
        case 0: return pick(["1", "null", "[]", "{}", "\"\""])
        case 1: return quoted(pick(["gpt-4o", "a"]) + "\\ud800", escapeKeys: false, raw: true)
        default: return quoted(pick(["gpt-4o-mini", "cheap", "dear", "meta-llama/Llama-3.1-8B", "日本語", "a\"b", "tab\there", "😀"]), escapeKeys: false)
        }
    }

    private mutating func messages() -> String {
        switch below(8) {
        case 0: return pick(["[]", "\"hi\"", "[1]", "null"])
        default:
            let count = 1 + below(3)
            let items = (0..<count).map { _ in "{\"role\":\"user\",\"content\":" + quoted(pick(["Hello", "naïve ☃", "line\nbreak"]), escapeKeys: false) + "}" }
            return "[" + items.joined(separator: ",") + "]"
        }
    }

    private mutating func streamOptions() -> String {
        switch below(6) {
        case 0: return pick(["null", "true", "[]"])
        case 1: return "{}"
        default:
            var members = [(quoted("include_usage", escapeKeys: true), pick(["true", "false", "null", "1"]))]
            if chance(30) { members.append((quoted("include_usage", escapeKeys: true), pick(["true", "false"]))) }
            if chance(30) { members.append(("\"x\"", value(depth: 1))) }
            members.shuffle(using: &self)
            return "{" + members.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    private mutating func number() -> String { chance(85) ? pick(Self.numbers) : pick(["\"5\"", "true", "null", "[1]"]) }

    private mutating func value(depth: Int) -> String {
        switch below(depth > 3 ? 4 : 7) {
        case 0: return number()
        case 1: return quoted(pick(["x", "ü", "\u{1F600}", "\\"]), escapeKeys: false)
        case 2: return pick(["true", "false", "null"])
        case 3: return "\"\\u00e9\\ud83d\\ude00\""
        case 4: return "[" + (0..<below(3)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let keys = (0..<below(3)).map { _ in pick(Self.readKeys + Self.otherKeys) }
            return "{" + keys.map { quoted($0, escapeKeys: true) + ":" + value(depth: depth + 1) }.joined(separator: ",") + "}"
        }
    }

    private mutating func space() -> String { chance(20) ? pick([" ", "\n", "\t ", "\r\n  "]) : "" }

    /// A JSON string literal; characters are sometimes written as `\uXXXX` escapes. `raw` keeps
    /// `text` as already-escaped JSON.
    private mutating func quoted(_ text: String, escapeKeys: Bool, raw: Bool = false) -> String {
        if raw { return "\"" + text + "\"" }
        var out = "\""
        let escapeRate = escapeKeys ? 10 : 5
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if chance(escapeRate) {
                    for unit in String(scalar).utf16 { out += "\\u" + String(unit, radix: 16).leftPadded(to: 4) }
                } else if scalar == "/" && chance(50) {
                    out += "\\/"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension BodyGenerator: RandomNumberGenerator {}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
