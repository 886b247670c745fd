import Foundation
import GatewayModel
import NIOCore
import Synchronization

/// One published configuration version, with its wire encodings made once for every reader.
public struct PublishedConfig: Sendable {
    /// The document gateways apply.
    public let document: SnapshotDocument
    /// The collectors' view.
    public let mapping: OrgMappingDocument
    /// `document` as JSON.
    public let documentJSON: ByteBuffer
    /// `mapping` as JSON.
    public let mappingJSON: ByteBuffer

    /// Encodes `document` and its org mapping.
    public init(document: SnapshotDocument) {
        self.document = document
        self.mapping = OrgMappingDocument(
            version: document.version, mapping: OrgMapping(config: GatewayConfig(providers: document.providers, orgs: document.orgs)))
        let encoder = DocumentCoding.encoder
        documentJSON = ByteBuffer(bytes: (try? encoder.encode(document)) ?? Data())
        mappingJSON = ByteBuffer(bytes: (try? encoder.encode(mapping)) ?? Data())
    }
}

/// The latest published configuration and the readers waiting for a newer one (long-polls and
/// the in-process data plane).
public final class SnapshotFeed: Sendable {
    private struct State {
        var current: PublishedConfig?
        var waiters: [UInt64: CheckedContinuation<PublishedConfig?, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())

    /// An empty feed.
    public init() {}

    /// The latest configuration, if one was published.
    public var current: PublishedConfig? { state.withLock { $0.current } }

    /// Long-polls parked now, waiting for a version after theirs.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Publishes `config` and wakes every waiter, unless it is the version already published.
    public func publish(_ config: PublishedConfig) {
        let waiters = state.withLock { state -> [CheckedContinuation<PublishedConfig?, Never>] in
            guard state.current?.document != config.document else { return [] }
            state.current = config
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: config) }
    }

    /// The current configuration when its version is not `version`; otherwise waits up to
    /// `timeout` for the next one and returns nil if none came (or the task was cancelled).
    public func next(after version: Int?, timeout: Duration) async -> PublishedConfig? {
        if let current, current.document.version != version { return current }
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskGroup(of: PublishedConfig?.self) { group in
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

    private func wait(id: UInt64, unless version: Int?) async -> PublishedConfig? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PublishedConfig?, Never>) in
                let ready = state.withLock { state -> PublishedConfig?? in
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
