import Collector
import ControlPlane
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Telemetry

/// Wires the one-process gateway: upstream client, data plane, telemetry ring, collector and
/// admin listener.
enum GatewayServices {
    /// Where the listeners ended up (ports may have been chosen by the system).
    struct Listening: Sendable {
        var dataPlane: String
        var admin: String
    }

    /// The services to run, in start order (they stop in reverse).
    static func build(
        config: GatewayConfig,
        environment: [String: String],
        logger: Logger,
        onListening: @escaping @Sendable (_ role: String, _ address: String) -> Void
    ) -> [any Service] {
        let active = ActiveSnapshot(ConfigSnapshot(version: 1, config: config))
        let client = DataPlane.makeClient(connectTimeoutSeconds: config.gateway.upstreamConnectTimeoutSeconds)
        var recorders: [any RequestRecorder] = []
        var sources: [any TelemetrySource] = []
        if config.observability.enabled {
            let ring = TelemetryRing(capacity: config.observability.ringCapacity)
            recorders.append(ring)
            sources.append(RingSource(ring: ring))
        }
        if logger.logLevel <= .debug { recorders.append(LogRequestRecorder(logger: logger)) }
        let router = DataPlane.router(active: active, client: client, environment: environment, recorder: RecorderList(recorders), logger: logger)
        let dataPlane = application(router, at: config.gateway.listen, logger: logger) { onListening("gateway", $0) }

        let collector = Collector(sources: sources, store: TelemetryStore(), mapping: { active.snapshot?.orgMapping }, logger: logger)
        let adminRouter = Router()
        let adminToken = environment[config.admin.tokenEnv].flatMap { $0.isEmpty ? nil : $0 }
        if adminToken == nil {
            logger.notice("admin token not set: /metrics is open on the admin listener and only org tokens read telemetry", metadata: ["env": "\(config.admin.tokenEnv)"])
        }
        TelemetryAPI(collector: collector, mapping: { active.snapshot?.orgMapping }, platformToken: adminToken).add(to: adminRouter)
        let admin = application(adminRouter, at: config.admin.listen, logger: logger) { onListening("admin", $0) }
        return [UpstreamClientService(client: client), collector, admin, dataPlane]
    }

    private static func application<Responder: HTTPResponderBuilder>(
        _ router: Responder, at listen: ListenAddress, logger: Logger, onListening: @escaping @Sendable (String) -> Void
    ) -> some Service where Responder.Responder.Context: RequestContext, Responder.Responder.Context.Source == ApplicationRequestContextSource {
        Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in
                onListening(ListenAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port).description)
            },
            logger: logger
        )
    }
}
