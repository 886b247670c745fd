import GatewayModel
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The digest of the API key last presented on one connection. A keep-alive client sends the same
/// key with every request, and SHA-256 is the largest part of authenticating one (about 3,400
/// instructions of a plain request's 75,000), so a request whose key is the one before it reuses
/// that digest. The memo belongs to its connection and goes with it; the key it holds is one that
/// connection sent. Which grant a digest names is still looked up in the current snapshot.
final class KeyDigestMemo: Sendable {
    /// The longest key remembered; a longer one is hashed each time.
    static let maxKeyBytes = 256

    private let last = Mutex<(key: [UInt8], digest: KeyDigest)?>(nil)

    init() {}

    /// The digest of `key`: the remembered one when `key` is the last key presented, else computed
    /// and remembered.
    func digest(of key: UnsafeRawBufferPointer) -> KeyDigest {
        guard let start = key.baseAddress, key.count <= Self.maxKeyBytes else { return KeyDigest(of: key) }
        let remembered: KeyDigest? = last.withLock { last in
            guard let last, last.key.count == key.count else { return nil }
            return last.key.withUnsafeBytes { memcmp($0.baseAddress!, start, key.count) == 0 } ? last.digest : nil
        }
        if let remembered { return remembered }
        let digest = KeyDigest(of: key)
        last.withLock { $0 = (Array(key), digest) }
        return digest
    }
}
