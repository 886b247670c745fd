/// Creates new random API keys with a recognisable prefix.
public enum KeyGenerator {
    /// Prefix of every generated key, so leaked keys are easy to spot and scan for.
    public static let prefix = "sk-gw-"

    /// A new key: the prefix followed by 40 base62 characters (about 238 bits of entropy).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new secret of the same strength with another prefix (a platform token, say).
    public static func generate(prefix other: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return other + generate(using: &generator).dropFirst(prefix.count)
    }

    /// A new key drawn from `generator`.
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var key = prefix
        for _ in 0..<40 { key.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]) }
        return key
    }
}
