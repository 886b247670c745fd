import GatewayModel
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Telemetry

/// The data plane's HTTP/1.1 listener: SwiftNIO channel handlers in front of the data-plane routes.
///
/// Each connection is served by a ``DataPlaneConnection`` on its own event loop. At graceful
/// shutdown the listener stops accepting, idle connections close, and a connection in the middle
/// of an answer closes once it is written.
public struct DataPlaneServer: Service {
    let routes: DataPlaneRoutes
    let active: ActiveSnapshot
    let host: String
    let port: Int
    let logger: Logger
    let limits: ListenerLimits
    let counters: ConnectionCounters
    let group: any EventLoopGroup
    let onListening: @Sendable (_ port: Int) -> Void

    /// Serves `routes` on `host:port` (0 picks a free port); `active` bounds the request bodies it
    /// collects (`gateway.maxRequestBytes`); `limits` bound its connections, counted in `counters`;
    /// `onListening` is told the bound port. Connections are served on the loops of `group`.
    public init(
        routes: DataPlaneRoutes, active: ActiveSnapshot, host: String, port: Int, logger: Logger,
        limits: ListenerLimits = ListenerLimits(settings: GatewaySettings()), counters: ConnectionCounters = ConnectionCounters(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, onListening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
    ) {
        self.routes = routes
        self.active = active
        self.host = host
        self.port = port
        self.logger = logger
        self.limits = limits
        self.counters = counters
        self.group = group
        self.onListening = onListening
    }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        let group = self.group
        let quiesce = ServerQuiescingHelper(group: group)
        let routes = self.routes
        let active = self.active
        let maxBodyBytes: @Sendable () -> Int = { active.snapshot?.config.gateway.maxRequestBytes ?? GatewaySettings.defaultMaxRequestBytes }
        let logger = self.logger
        let registry = ConnectionRegistry(limits: limits, counters: counters)
        defer { registry.stop() }
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of descriptors, accept fails at once and would be retried in a spin: wait instead.
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { _ in .milliseconds(100) })
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let admission = registry.admit(on: channel.eventLoop)
                    guard admission != .refused else {
                        channel.close(promise: nil)
                        return
                    }
                    // The close future completes for every channel, however it ends.
                    channel.closeFuture.whenComplete { [counters = registry.counters] _ in counters.ended() }
                    let pipeline = channel.pipeline.syncOperations
                    let loopConnections = registry.connections(on: channel.eventLoop)
                    let connectionGuard = ConnectionGuard(
                        limits: registry.limits, maxRequestBytes: maxBodyBytes, counters: registry.counters, registry: loopConnections)
                    try pipeline.addHandler(connectionGuard)
                    let connection = DataPlaneConnection(
                        routes: routes, maxBodyBytes: maxBodyBytes, logger: logger, connectionGuard: connectionGuard,
                        executor: loopConnections.requestExecutor)
                    connectionGuard.connection = connection
                    // The reader hands the connection its requests and writes its answers, encoded
                    // from HTTPTypes' fields (``AnswerEncoder``). Parse errors are answered by the
                    // connection handler, after the answers before them.
                    let reader = RequestReader(connection: connection)
                    try pipeline.addHandler(reader)
                    try pipeline.addHandler(connection)
                    connection.reader = reader  // let go in the connection's `handlerRemoved`
                    if admission == .pending {
                        connectionGuard.provisional = true
                        channel.setAutoRead(false)
                        registry.makeRoom(for: connectionGuard, channel: channel)
                    }
                }
            }
            .bind(host: host, port: port)
            .get()
        onListening(listener.localAddress?.port ?? port)
        let graceful: Bool
        do {
            try await gracefulShutdown()
            graceful = true
        } catch {
            graceful = false
        }
        let closed = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: closed)
        // A graceful stop lets the answers in flight finish, until the stop is escalated to a
        // cancellation; a cancelled one does not wait for them.
        guard graceful else { return }
        let waited = group.next().makePromise(of: Void.self)
        closed.futureResult.cascade(to: waited)
        try await withTaskCancellationHandler {
            try await waited.futureResult.get()
        } onCancel: {
            waited.succeed()
        }
    }
}
