import Crypto

/// Hashes API keys the way the configuration stores them: lowercase hex SHA-256 of the whole key.
public enum KeyHasher {
    /// The hex SHA-256 of `key`.
    public static func sha256Hex(_ key: some StringProtocol) -> String {
        hex(SHA256.hash(data: Array(key.utf8)))
    }

    /// Whether `text` has the shape of a stored hash: 64 lowercase hex digits.
    public static func isWellFormedHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 64) { out in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = digit(byte >> 4)
                    out[2 * index + 1] = digit(byte & 0x0f)
                }
                return 64
            }
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value }
}
