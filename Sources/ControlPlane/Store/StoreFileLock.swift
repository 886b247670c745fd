import GatewayModel
import Glibc
import Synchronization

import class Foundation.FileManager
import class Foundation.NSNumber
import struct Foundation.FileAttributeKey

/// Holds an SQLite store file for this process alone, and notices when the file is deleted or
/// replaced under it (writes would then vanish at the next start).
///
/// The lock is an exclusive `flock` on `PATH.lock`, taken without waiting: a second gateway on the
/// same file is told at once instead of writing into the first one's store.
final class StoreFileLock: Sendable {
    /// The locked descriptor; nil once released.
    private let descriptor: Mutex<Int32?>
    private let path: String
    private let identity: (device: UInt64, inode: UInt64)

    /// Takes the lock for the database at `path` (which must exist).
    /// - Throws: ``StoreError/unavailable(_:)`` naming the file when another process holds it.
    init(path: String) throws(StoreError) {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unavailable("cannot open the lock file \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .unavailable(
                "the store \(path) is in use by another gateway process; stop that one, or give this one a store of its own (--store sqlite:OTHER.sqlite)")
        }
        guard let identity = Self.identity(of: path) else {
            close(descriptor)
            throw .unavailable("cannot read the store file \(path)")
        }
        self.descriptor = Mutex(descriptor)
        self.path = path
        self.identity = identity
    }

    deinit { release() }

    /// Lets the file go (closing the descriptor drops the lock).
    func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    /// Whether the file at the path is still the one opened (not deleted, not replaced).
    var fileIsIntact: Bool {
        guard let now = Self.identity(of: path) else { return false }
        return now == identity
    }

    private static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let device = (attributes[.systemNumber] as? NSNumber)?.uint64Value,
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        else { return nil }
        return (device, inode)
    }
}
