import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import Gateway
import Logging
import ServiceLifecycle
import UnixSignals

import class Foundation.ProcessInfo

/// `gateway serve`: runs the gateway on a configuration file or the built-in demo.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway. Without --config it reads ./gateway.yaml, or serves a built-in demo configuration."
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file (default: ./gateway.yaml if present, else the demo).")
    var config: String?

    @Option(help: "Override gateway.listen, e.g. 127.0.0.1:0 for any free port.")
    var listen: String?

    @Option(help: "Override admin.listen (metrics and the telemetry API).")
    var adminListen: String?

    @Option(
        help: """
            What this process runs: all (default), control-plane (admin API and store), gateway (data plane \
            following --control-plane) or collector (scrapes --scrape gateways, org mapping from --control-plane).
            """)
    var role: Role = .all

    @Option(help: "Override store.url: sqlite:PATH (the default, .gateway/gateway.sqlite) or postgres://user:pass@host:5432/db.")
    var store: String?

    @Option(help: "Admin URL of the control plane that a gateway or collector follows, e.g. http://10.0.0.4:8081.")
    var controlPlane: String?

    @Option(help: "Comma-separated admin URLs of gateways whose rings the collector reads, e.g. http://10.0.0.5:8081.")
    var scrape: String?

    @Option(help: "Log level: trace, debug (one line per request), info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "gateway")
        logger.logLevel = logLevel
        let descriptors = DescriptorLimit.raiseToHardLimit()
        logger.debug("descriptor limit", metadata: ["soft": "\(descriptors)"])
        var gatewayConfig: GatewayConfig
        var demoKey: String?
        var environment = ProcessInfo.processInfo.environment
        var demoAdminToken: String?
        let source: String
        if let path = ConfigSource.resolve(config) {
            gatewayConfig = try ConfigSource.load(path: path)
            source = "file:\(path)"
            logger.info("configuration loaded", metadata: ["file": "\(path)"])
        } else {
            let key = KeyGenerator.generate()
            gatewayConfig = DemoConfig.make(key: key)
            demoKey = role.runsControlPlane ? key : nil
            source = "demo"
            // The demo works at once: with no platform token set, one is made and printed like the key.
            if role == .all, environment[gatewayConfig.admin.tokenEnv]?.isEmpty ?? true {
                let token = KeyGenerator.generate(prefix: "gw-admin-")
                environment[gatewayConfig.admin.tokenEnv] = token
                demoAdminToken = token
            }
        }
        if let listen { gatewayConfig.gateway.listen = try Self.address(listen, option: "--listen") }
        if let adminListen { gatewayConfig.admin.listen = try Self.address(adminListen, option: "--admin-listen") }
        if let store { gatewayConfig.store.url = store }
        if let controlPlane { gatewayConfig.controlPlane.url = controlPlane }
        let targets = scrape?.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } ?? []
        if role == .collector && targets.isEmpty { throw ValidationError("--role collector needs --scrape URL[,URL...]") }
        if !role.runsCollector && !targets.isEmpty { throw ValidationError("--scrape applies to the collector and all roles only") }
        if role.runsControlPlane {
            if gatewayConfig.controlPlane.url != nil { throw ValidationError("--control-plane applies to the gateway and collector roles only") }
        } else if gatewayConfig.controlPlane.url == nil {
            throw ValidationError("--role \(role.rawValue) needs --control-plane URL (or controlPlane.url in the file)")
        }
        if role.runsDataPlane { try await ListenerProbe.check(gatewayConfig.gateway.listen, setting: "gateway.listen") }
        try await ListenerProbe.check(gatewayConfig.admin.listen, setting: "admin.listen")
        let controlPlaneService = role.runsControlPlane ? try await Self.openControlPlane(gatewayConfig, source: source, logger: logger) : nil
        let services = await GatewayServices.build(
            config: gatewayConfig, role: role, scrape: targets, controlPlane: controlPlaneService,
            environment: environment, logger: logger
        ) { [demoKey, demoAdminToken, tokenEnv = gatewayConfig.admin.tokenEnv] role, address in
            DemoBanner.print(role: role, address: address, key: demoKey, adminToken: demoAdminToken.map { (tokenEnv, $0) })
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

extension ServeCommand {
    /// Opens the store, applies the file (or the demo) to it, and publishes the first snapshot.
    static func openControlPlane(_ config: GatewayConfig, source: String, logger: Logger) async throws -> ControlPlaneService {
        let store: ConfigStore
        do {
            store = try await ConfigStore.open(url: config.store.url, logger: logger)
        } catch {
            throw ValidationError("cannot open the store \(StoreURL.redacted(config.store.url)): \(error)")
        }
        do {
            let result = try await store.apply(config, actor: source)
            logger.info(
                "store ready", metadata: ["store": "\(StoreURL.redacted(config.store.url))", "version": "\(result.version)", "changed": "\(result.changes.count)"])
            return try await ControlPlaneService(store: store, logger: logger)
        } catch {
            await store.close()
            throw ValidationError("cannot apply \(source) to the store: \(error)")
        }
    }

    static func address(_ text: String, option: String) throws -> ListenAddress {
        guard let address = ListenAddress(parsing: text) else { throw ValidationError("\(option) expects host:port, got \(text)") }
        return address
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension Role: ExpressibleByArgument {}
