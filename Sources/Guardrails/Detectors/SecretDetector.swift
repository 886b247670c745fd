/// Credentials by their documented shapes: AWS access key ids, GitHub tokens, OpenAI,
/// Anthropic and Google API keys, Slack tokens, PEM private keys, JWTs and this gateway's keys.
struct SecretDetector: Detector {
    private static let awsPrefixes: [StaticString] = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"]
    private static let githubPrefixes: [StaticString] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
    private static let slackPrefixes: [StaticString] = ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-"]

    /// Letters, digits, `_`, `-` and `.`: every secret's bytes from where it starts, for at least
    /// ``shortestStart`` bytes (a private key's `-----BEGIN`; every other shape is longer).
    static let secretBytes = ByteSet("_-.", including: ASCII.isAlphanumeric)
    static let shortestStart = 10

    func scan(_ text: UnsafeBufferPointer<UInt8>, into matches: inout [GuardrailMatch]) {
        var index = 0
        // Only the runs of ``secretBytes`` long enough to start a secret are read byte by byte.
        while let run = Self.secretBytes.firstRun(in: text, from: index, atLeast: Self.shortestStart) {
            index = run.lowerBound
            while index <= run.upperBound - Self.shortestStart {
                if let (type, end) = Self.secret(in: text, startingAt: index) {
                    matches.append(GuardrailMatch(check: .secrets, type: type, range: index..<end))
                    index = end
                } else {
                    index += 1
                }
            }
            index = max(index, run.upperBound)
        }
    }

    /// The type and end of the secret that starts at `index`, if one does: its first two bytes
    /// are those of a shape, it does not continue a token (but for a private key's dashes), and
    /// the shape holds.
    private static func secret(in text: UnsafeBufferPointer<UInt8>, startingAt index: Int) -> (StaticString, Int)? {
        let byte = text[index]
        guard mayStart(byte, ASCII.byte(text, index + 1)), byte == UInt8(ascii: "-") || !ASCII.isTokenByte(ASCII.byte(text, index - 1)) else { return nil }
        return secret(in: text, at: index)
    }

    /// Whether a secret may start with `first` and `second`: the first two bytes of every shape
    /// below (`A` and a capital, `gh`, `gi`, `sk`, `xo`, `xa`, `ey`, `--`). Prose is full of `s`
    /// and `e`, and most are turned away here without a call.
    @inline(__always)
    private static func mayStart(_ first: UInt8, _ second: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "A"): ASCII.isUpper(second)
        case UInt8(ascii: "g"): second == UInt8(ascii: "h") || second == UInt8(ascii: "i")
        case UInt8(ascii: "s"): second == UInt8(ascii: "k")
        case UInt8(ascii: "x"): second == UInt8(ascii: "o") || second == UInt8(ascii: "a")
        case UInt8(ascii: "e"): second == UInt8(ascii: "y")
        case UInt8(ascii: "-"): second == UInt8(ascii: "-")
        default: false
        }
    }

    /// The type and end of the shape whose first byte is at `index`, if its whole shape is there.
    static func secret(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> (StaticString, Int)? {
        switch text[index] {
        case UInt8(ascii: "A"):
            if awsPrefixes.contains(where: { ASCII.has($0, in: text, at: index) }),
                let end = exactly(16, in: text, from: index + 4, { ASCII.isUpper($0) || ASCII.isDigit($0) }, boundary: ASCII.isAlphanumeric)
            {
                return ("aws_access_key", end)
            }
            if ASCII.has("AIza", in: text, at: index), let end = exactly(35, in: text, from: index + 4, ASCII.isTokenByte, boundary: ASCII.isTokenByte) {
                return ("google_api_key", end)
            }
        case UInt8(ascii: "g"):
            if githubPrefixes.contains(where: { ASCII.has($0, in: text, at: index) }),
                let end = exactly(36, in: text, from: index + 4, ASCII.isAlphanumeric, boundary: ASCII.isAlphanumeric)
            {
                return ("github_token", end)
            }
            if ASCII.has("github_pat_", in: text, at: index), let end = atLeast(22, in: text, from: index + 11, { ASCII.isAlphanumeric($0) || $0 == 0x5F }) {
                return ("github_token", end)
            }
        case UInt8(ascii: "s"):
            if ASCII.has("sk-ant-", in: text, at: index), let end = atLeast(32, in: text, from: index + 7, ASCII.isTokenByte) {
                return ("anthropic_api_key", end)
            }
            if ASCII.has("sk-gw-", in: text, at: index), let end = atLeast(16, in: text, from: index + 6, ASCII.isTokenByte) {
                return ("gateway_key", end)
            }
            if ASCII.has("sk-", in: text, at: index), let end = atLeast(32, in: text, from: index + 3, ASCII.isTokenByte),
                (index + 3..<end).contains(where: { ASCII.isDigit(text[$0]) }), (index + 3..<end).contains(where: { ASCII.isLetter(text[$0]) })
            {
                return ("openai_api_key", end)
            }
        case UInt8(ascii: "x"):
            if slackPrefixes.contains(where: { ASCII.has($0, in: text, at: index) }),
                let end = atLeast(10, in: text, from: index + 5, { ASCII.isAlphanumeric($0) || $0 == 0x2D })
            {
                return ("slack_token", end)
            }
        case UInt8(ascii: "e"):
            return jwt(in: text, at: index).map { ("jwt", $0) }
        case UInt8(ascii: "-"):
            return privateKey(in: text, at: index).map { ("private_key", $0) }
        default: break
        }
        return nil
    }

    /// The end of exactly `count` bytes from `start` that `accept` takes, when the byte after them is not `boundary`.
    private static func exactly(
        _ count: Int, in text: UnsafeBufferPointer<UInt8>, from start: Int, _ accept: (UInt8) -> Bool, boundary: (UInt8) -> Bool
    ) -> Int? {
        let end = start + count
        guard end <= text.count, (start..<end).allSatisfy({ accept(text[$0]) }), !boundary(ASCII.byte(text, end)) else { return nil }
        return end
    }

    /// The end of the run from `start` that `accept` takes, when it is at least `count` long.
    private static func atLeast(_ count: Int, in text: UnsafeBufferPointer<UInt8>, from start: Int, _ accept: (UInt8) -> Bool) -> Int? {
        let end = ASCII.run(text, from: start, accept)
        return end - start >= count ? end : nil
    }

    /// `eyJ…` header, `.`, `eyJ…` payload, `.`, signature (base64url; empty for unsigned tokens).
    private static func jwt(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        func base64url(_ byte: UInt8) -> Bool { ASCII.isAlphanumeric(byte) || byte == 0x2D || byte == 0x5F }
        guard ASCII.has("eyJ", in: text, at: index) else { return nil }
        let header = ASCII.run(text, from: index, base64url)
        guard header - index >= 10, ASCII.byte(text, header) == UInt8(ascii: "."), ASCII.has("eyJ", in: text, at: header + 1) else { return nil }
        let payload = ASCII.run(text, from: header + 1, base64url)
        guard payload - header - 1 >= 10, ASCII.byte(text, payload) == UInt8(ascii: ".") else { return nil }
        return ASCII.run(text, from: payload + 1, base64url)
    }

    /// `-----BEGIN … PRIVATE KEY-----` through its `-----END … PRIVATE KEY-----`, or to the end of the text.
    private static func privateKey(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        guard ASCII.has("-----BEGIN ", in: text, at: index) else { return nil }
        let labelEnd = ASCII.run(text, from: index + 11) { ASCII.isUpper($0) || $0 == UInt8(ascii: " ") }
        guard labelEnd - index <= 48, ASCII.has("PRIVATE KEY", in: text, at: labelEnd - 11), ASCII.has("-----", in: text, at: labelEnd) else { return nil }
        var cursor = labelEnd
        while cursor < text.count {
            if ASCII.has("-----END ", in: text, at: cursor) {
                let endLabel = ASCII.run(text, from: cursor + 9) { ASCII.isUpper($0) || $0 == UInt8(ascii: " ") }
                return ASCII.has("-----", in: text, at: endLabel) ? endLabel + 5 : endLabel
            }
            cursor += 1
        }
        return text.count
    }
}
