import Synchronization

import struct Foundation.Date

/// How a process is keeping up with the control plane, for `/metrics` and logs.
public final class ReconcileStatus: Sendable {
    /// A reading of the status.
    public struct Reading: Sendable, Equatable {
        /// The configuration version in force; nil before the first apply.
        public var version: Int?
        /// When the last fetch from the control plane succeeded.
        public var lastSuccess: Date?
        /// Failed fetches since start.
        public var failures: Int
    }
    private let state = Mutex(Reading(version: nil, lastSuccess: nil, failures: 0))

    /// A fresh status.
    public init() {}

    /// The current reading.
    public var reading: Reading { state.withLock { $0 } }

    /// Records a successful fetch; `version` is the version now in force.
    public func succeeded(version: Int, at date: Date = Date()) {
        state.withLock {
            $0.version = version
            $0.lastSuccess = date
        }
    }

    /// Records a failed fetch.
    public func failed() { state.withLock { $0.failures += 1 } }
}
