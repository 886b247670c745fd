import AsyncHTTPClient
import Collector
import ControlPlane
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Telemetry

/// Which parts of the gateway a process runs.
enum Role: String, CaseIterable, Sendable {
    /// Every part in one process, the collector reading the ring in memory.
    case all
    /// The data plane; its admin listener serves the ring to remote collectors.
    case gateway
    /// Scrapes gateways' rings, tags by org, serves metrics and the telemetry API.
    case collector
}

/// Wires the services of a role: upstream client, data plane, telemetry ring, collector and
/// admin listener.
enum GatewayServices {
    /// The services to run, in start order (they stop in reverse).
    static func build(
        config: GatewayConfig,
        role: Role,
        scrape: [String],
        environment: [String: String],
        logger: Logger,
        onListening: @escaping @Sendable (_ role: String, _ address: String) -> Void
    ) -> [any Service] {
        let active = ActiveSnapshot(ConfigSnapshot(version: 1, config: config))
        let adminToken = environment[config.admin.tokenEnv].flatMap { $0.isEmpty ? nil : $0 }
        let adminRouter = Router()
        var services: [any Service] = []
        var dataPlane: (any Service)?

        var ring: TelemetryRing?
        if role != .collector {
            let client = DataPlane.makeClient(connectTimeoutSeconds: config.gateway.upstreamConnectTimeoutSeconds)
            services.append(HTTPClientService(client: client))
            var recorders: [any RequestRecorder] = []
            if config.observability.enabled {
                let telemetry = TelemetryRing(capacity: config.observability.ringCapacity)
                recorders.append(telemetry)
                RingEndpoint.add(to: adminRouter, ring: telemetry, token: adminToken)
                ring = telemetry
            }
            if logger.logLevel <= .debug { recorders.append(LogRequestRecorder(logger: logger)) }
            let router = DataPlane.router(
                active: active, client: client, environment: environment, recorder: RecorderList(recorders), logger: logger)
            dataPlane = application(router, at: config.gateway.listen, logger: logger) { onListening("gateway", $0) }
        }

        if role != .gateway {
            var sources: [any TelemetrySource] = ring.map { [RingSource(ring: $0)] } ?? []
            if !scrape.isEmpty {
                let client = HTTPTelemetrySource.makeClient()
                services.append(HTTPClientService(client: client))
                sources += scrape.map { HTTPTelemetrySource(client: client, baseURL: $0, token: adminToken) }
            }
            let mapping: @Sendable () -> OrgMapping? = { active.snapshot?.orgMapping }
            let collector = Collector(sources: sources, store: TelemetryStore(), mapping: mapping, logger: logger)
            services.append(collector)
            TelemetryAPI(collector: collector, mapping: mapping, platformToken: adminToken).add(to: adminRouter)
            if adminToken == nil {
                logger.notice(
                    "admin token not set: /metrics is open on the admin listener and only org tokens read telemetry",
                    metadata: ["env": "\(config.admin.tokenEnv)"])
            }
        }
        services.append(application(adminRouter, at: config.admin.listen, logger: logger) { onListening("admin", $0) })
        if let dataPlane { services.append(dataPlane) }
        return services
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
