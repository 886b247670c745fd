import Crypto

/// Hashes API keys the way the configuration stores them: lowercase hex SHA-256 of the whole key.
public enum KeyHasher {
    /// The hex SHA-256 of `key`.
    public static func sha256Hex(_ key: some StringProtocol) -> String {
        hex(SHA256.hash(data: Array(key.utf8)))
    }

    /// The hex SHA-256 of raw key bytes, avoiding a String on the request path.
    public static func sha256Hex(bytes: some Collection<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// Whether `text` has the shape of a stored hash: 64 lowercase hex digits.
    public static func isWellFormedHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: SHA256.Digest) -> String {
        String(unsafeUninitializedCapacity: 64) { out in
            var index = 0
            for byte in digest {
                out[index] = digits[Int(byte >> 4)]
                out[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return 64
        }
    }
}
