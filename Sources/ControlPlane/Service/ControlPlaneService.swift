import GatewayModel
import Logging
import ServiceLifecycle

/// The control plane: publishes each new version of the store as a ``PublishedSnapshot`` on its
/// ``SnapshotFeed``. Changes made through this process publish at once; a one-second version check
/// picks up changes other control planes wrote to a shared PostgreSQL store.
public final class ControlPlaneService: Service {
    /// The store this control plane serves.
    public let store: ConfigStore
    /// Where new versions are published.
    public let feed = SnapshotFeed()
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Loads the store's current version and publishes it; `clock` paces the version checks.
    public init(store: ConfigStore, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) async throws {
        self.store = store
        self.clock = clock
        self.logger = logger
        try await refresh()
    }

    /// Loads the store and publishes its version if it is new.
    public func refresh() async throws {
        let loaded = try await store.load()
        guard loaded.version != feed.current?.document.version else { return }
        let tree = loaded.model.tree
        feed.publish(PublishedSnapshot(document: SnapshotDocument(version: loaded.version, providers: tree.providers, orgs: tree.orgs, prices: tree.prices)))
        logger.info("configuration published", metadata: ["version": "\(loaded.version)"])
    }

    /// Runs the change through the store, then publishes the new version.
    @discardableResult
    public func update(actor: String, _ edit: @Sendable (inout StoredModel) throws -> Void) async throws -> ConfigStore.ChangeResult {
        let result = try await store.update(actor: actor, edit)
        if !result.changes.isEmpty { try await refresh() }
        return result
    }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await clock.sleep(for: .seconds(1))
            do {
                if try await store.version() != feed.current?.document.version { try await refresh() }
                if failing { logger.notice("store reachable again") }
                failing = false
            } catch {
                if !failing { logger.error("store unreachable; serving the last published version", metadata: ["error": "\(error)"]) }
                failing = true
            }
        }
        await store.close()
    }
}
