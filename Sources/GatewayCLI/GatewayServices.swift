import AsyncHTTPClient
import Collector
import ControlPlane
import ControlPlaneClient
import GatewayModel
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Telemetry

import struct Foundation.Date

/// Wires the services of a role: control plane, followers, upstream client, data plane,
/// telemetry ring, collector and admin listener.
enum GatewayServices {
    /// The services to run, in start order (they stop in reverse).
    static func build(
        config: GatewayConfig,
        role: Role,
        scrape: [String],
        controlPlane: ControlPlaneService?,
        environment: [String: String],
        logger: Logger,
        onListening: @escaping @Sendable (_ role: String, _ address: String) -> Void
    ) async -> [any Service] {
        let active = ActiveSnapshot()
        let metering = Metering()
        let status = ReconcileStatus()
        let adminToken = environment[config.admin.tokenEnv].flatMap { $0.isEmpty ? nil : $0 }
        let platform = PlatformToken(token: adminToken, env: config.admin.tokenEnv)
        let adminRouter = Router()
        var services: [any Service] = []
        var followerClient: HTTPClient?
        func follow<Document: VersionedDocument>(_ path: String, apply: @escaping @Sendable (Document) -> Void) {
            let client = followerClient ?? FollowerHTTPClient.make()
            if followerClient == nil {
                followerClient = client
                services.append(HTTPClientService(client: client))
            }
            services.append(
                SnapshotFollower<Document, ContinuousClock>(
                    client: client, baseURL: config.controlPlane.url!, path: path, token: adminToken,
                    resyncSeconds: config.controlPlane.resyncSeconds, status: status, logger: logger, apply: apply))
        }
        let applySnapshot: @Sendable (SnapshotDocument) -> Void = { document in
            active.apply(SnapshotIndex(version: document.version, config: document.config(settings: config)))
        }

        if let controlPlane {
            services.append(controlPlane)
            if let current = controlPlane.feed.current {
                applySnapshot(current.document)
                status.succeeded(version: current.document.version)
            }
            services.append(LocalFollower(feed: controlPlane.feed, status: status, apply: applySnapshot))
            AdminAPI(controlPlane: controlPlane, token: platform, onSpendReset: { metering.reset($0) }).add(to: adminRouter)
            ConfigAPI(feed: controlPlane.feed, token: platform, ledger: controlPlane.store).add(to: adminRouter)
        } else if role == .gateway {
            follow("/config/v1/snapshot", apply: applySnapshot)
        }

        var dataPlane: (any Service)?
        var ring: TelemetryRing?
        var processFamilies: @Sendable () -> [MetricFamily] = { MetricFamily.reconcile(status.reading) }
        var orgFamilies: @Sendable () -> [MetricFamily] = { [] }
        if role.runsDataPlane {
            let ledger: any SpendLedger
            if let controlPlane {
                ledger = controlPlane.store
            } else {
                ledger = RemoteSpendLedger(client: followerClient!, baseURL: config.controlPlane.url!, token: adminToken)
            }
            let sync = SpendSync(metering: metering, ledger: ledger, logger: logger)
            do {
                try await sync.load()
            } catch {
                logger.warning("spend ledger not read at start; budgets count from the first successful flush", metadata: ["error": "\(error)"])
            }
            services.append(sync)
            processFamilies = {
                MetricFamily.reconcile(status.reading)
                    + MetricFamily.spendLedger(unflushedMicroUSD: metering.unflushedMicroUSD, flushFailures: metering.flushFailures)
            }
            orgFamilies = { MetricFamily.caps(metering.standings(of: active.snapshot?.caps ?? [], now: Date())) }
            let client = UpstreamClient(connectTimeoutSeconds: config.gateway.upstreamConnectTimeoutSeconds)
            services.append(UpstreamClientService(client: client))
            var recorders: [any RequestRecorder] = []
            if config.observability.enabled {
                let telemetry = TelemetryRing(capacity: config.observability.ringCapacity)
                recorders.append(telemetry)
                RingEndpoint.add(to: adminRouter, ring: telemetry, token: platform)
                ring = telemetry
            }
            if logger.logLevel <= .debug { recorders.append(LogRequestRecorder(logger: logger)) }
            let routes = DataPlane.routes(
                active: active, client: client, environment: environment, metering: metering, recorder: RecorderList(recorders), logger: logger)
            let listen = config.gateway.listen
            dataPlane = DataPlaneServer(
                routes: routes, active: active, host: listen.host, port: listen.port, logger: logger, limits: ListenerLimits(settings: config.gateway),
                counters: ring?.connections ?? ConnectionCounters()
            ) { port in
                onListening("gateway", ListenAddress(host: listen.host, port: port).description)
            }
        }

        let families: @Sendable () -> [MetricFamily]
        if let store = controlPlane?.store {
            families = { [processFamilies] in processFamilies() + MetricFamily.store(healthy: store.isHealthy) }
        } else {
            families = processFamilies
        }
        let withoutCollector: @Sendable () -> [MetricFamily] = { [families, orgFamilies] in families() + orgFamilies() }
        if role.runsCollector {
            let mapping: @Sendable () -> OrgMapping?
            if role == .all {
                mapping = { active.snapshot?.orgMapping }
            } else {
                let followed = Mutex<OrgMapping?>(nil)
                follow("/config/v1/org-mapping") { (document: OrgMappingDocument) in followed.withLock { $0 = document.mapping } }
                mapping = { followed.withLock { $0 } }
            }
            var sources: [any TelemetrySource] = ring.map { [RingSource(ring: $0)] } ?? []
            if !scrape.isEmpty {
                let client = HTTPTelemetrySource.makeClient()
                services.append(HTTPClientService(client: client))
                sources += scrape.map { HTTPTelemetrySource(client: client, baseURL: $0, token: adminToken) }
            }
            // Folding this process's own ring in small, frequent steps keeps each step short, so it
            // takes little from the requests served meanwhile; remote rings are scraped less often.
            let interval: Duration = .milliseconds(config.observability.collectIntervalMilliseconds ?? (ring != nil ? 5 : 50))
            // The export starts before the collector and so stops after it: the collector's last
            // traces are in its queues when it flushes.
            let exportClient = OTLPExport.makeClient()
            services.append(HTTPClientService(client: exportClient))
            let store = TelemetryStore()
            let export = OTLPExport(
                platform: config.observability.export.otlp, serviceName: config.observability.serviceName, environment: environment,
                client: exportClient, store: store, logger: logger)
            services.append(export)
            let collector = Collector(sources: sources, store: store, mapping: mapping, export: export, interval: interval, logger: logger)
            services.append(collector)
            let withExport: @Sendable () -> [MetricFamily] = { [families] in families() + export.families }
            TelemetryAPI(collector: collector, mapping: mapping, platformToken: platform, processFamilies: withExport, orgFamilies: orgFamilies)
                .add(to: adminRouter)
        } else {
            adminRouter.get("/metrics") { request, _ -> Response in
                if let refusal = platform.refusal(request.headers, openWhenUnset: true) { return APIResponse.error(refusal) }
                let format = PrometheusText.Format(accept: request.headers[.accept])
                return Response(
                    status: .ok, headers: [.contentType: format.contentType],
                    body: .init(byteBuffer: ByteBuffer(string: PrometheusText.render(withoutCollector(), format: format))))
            }
        }
        if adminToken == nil {
            logger.notice(
                "admin token not set: the admin and config APIs answer 503, /metrics is open, only org tokens read telemetry",
                metadata: ["env": "\(config.admin.tokenEnv)"])
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
