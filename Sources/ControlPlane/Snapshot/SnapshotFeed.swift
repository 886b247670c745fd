import Foundation
import GatewayModel
import NIOCore
import Synchronization

/// The latest published configuration and the readers waiting for a newer one (long-polls and
/// the in-process data plane).
public final class SnapshotFeed: Sendable {
    private struct State {
        var current: PublishedSnapshot?
        var waiters: [UInt64: CheckedContinuation<PublishedSnapshot?, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())

    /// An empty feed.
    public init() {}

    /// The latest configuration, if one was published.
    public var current: PublishedSnapshot? { state.withLock { $0.current } }

    /// Long-polls parked now, waiting for a version after theirs.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Publishes `config` and wakes every waiter, unless it is the version already published.
    public func publish(_ config: PublishedSnapshot) {
        let waiters = state.withLock { state -> [CheckedContinuation<PublishedSnapshot?, Never>] in
            guard state.current?.document != config.document else { return [] }
            state.current = config
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: config) }
    }

    /// The current configuration when its version is not `version`; otherwise waits up to
    /// `timeout` for the next one and returns nil if none came (or the task was cancelled).
    public func next(after version: Int?, timeout: Duration) async -> PublishedSnapshot? {
        if let current, current.document.version != version { return current }
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskGroup(of: PublishedSnapshot?.self) { group in
            group.addTask { await self.wait(id: id, unless: version) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.cancel(id)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            self.cancel(id)
            return first
        }
    }

    private func wait(id: UInt64, unless version: Int?) async -> PublishedSnapshot? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PublishedSnapshot?, Never>) in
                let ready = state.withLock { state -> PublishedSnapshot?? in
                    if let current = state.current, current.document.version != version { return .some(current) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
    }
}
