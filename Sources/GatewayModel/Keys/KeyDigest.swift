import Crypto

/// The SHA-256 of an API key as four words: what a snapshot finds a presented key's grant by,
/// so that the request path neither formats the digest as hex nor hashes a 64-byte string.
public struct KeyDigest: Hashable, Sendable {
    private let first: UInt64, second: UInt64, third: UInt64, fourth: UInt64

    /// The digest of raw key bytes.
    public init(of key: some Collection<UInt8>) {
        let digest = key.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) } ?? SHA256.hash(data: Array(key))
        (first, second, third, fourth) = digest.withUnsafeBytes { bytes in
            func word(_ index: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).bigEndian }
            return (word(0), word(1), word(2), word(3))
        }
    }

    /// Hashes one word of the digest: SHA-256's output is uniform, and no one can choose a key
    /// for the word it hashes to, so the other three add nothing to a table's spread.
    public func hash(into hasher: inout Hasher) { hasher.combine(first) }

    /// The digest that `hex` spells, as a configuration stores it (``KeyHasher``: 64 lowercase
    /// hex digits); nil for anything else.
    public init?(hex: String) {
        guard KeyHasher.isWellFormedHash(hex) else { return nil }
        var words: [UInt64] = []
        var utf8 = hex.utf8[...]
        while !utf8.isEmpty {
            guard let word = UInt64(String(decoding: utf8.prefix(16), as: UTF8.self), radix: 16) else { return nil }
            words.append(word)
            utf8 = utf8.dropFirst(16)
        }
        (first, second, third, fourth) = (words[0], words[1], words[2], words[3])
    }
}
