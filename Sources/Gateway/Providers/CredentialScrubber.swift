import NIOCore

/// Removes credentials from a provider's error body before it is passed to a client: the
/// provider's configured key, and anything shaped like an API key or a bearer token.
enum CredentialScrubber {
    /// What stands in place of a credential.
    static let mask = "[redacted]"

    /// Prefixes after which a run of token characters is taken for a credential
    /// (OpenAI and Anthropic `sk-`, Google `AIza`, bearer tokens).
    private static let prefixes: [[UInt8]] = ["sk-", "AIza", "Bearer ", "bearer "].map { Array($0.utf8) }
    /// Shortest run after a prefix that is taken for a credential.
    private static let minimumRun = 8

    /// `body` with `secret` (when set) and credential-shaped runs replaced by ``mask``.
    static func scrub(_ body: ByteBuffer, secret: String?) -> ByteBuffer {
        let bytes = Array(body.readableBytesView)
        let secretBytes = secret.map { Array($0.utf8) } ?? []
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if secretBytes.count >= 4, bytes[index...].starts(with: secretBytes) {
                output.append(contentsOf: mask.utf8)
                index += secretBytes.count
                changed = true
                continue
            }
            if let prefix = prefixes.first(where: { bytes[index...].starts(with: $0) }) {
                var end = index + prefix.count
                while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                if end - index - prefix.count >= minimumRun {
                    output.append(contentsOf: mask.utf8)
                    index = end
                    changed = true
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? ByteBuffer(bytes: output) : body
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"):
            true
        default: false
        }
    }
}
