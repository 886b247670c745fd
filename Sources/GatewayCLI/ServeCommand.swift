import ArgumentParser
import ControlPlane
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

    @Option(help: "What this process runs: all (default), gateway (data plane only) or collector (scrapes --scrape gateways).")
    var role: Role = .all

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
        var gatewayConfig: GatewayConfig
        var demoKey: String?
        if let path = ConfigSource.resolve(config) {
            gatewayConfig = try ConfigSource.load(path: path)
            logger.info("configuration loaded", metadata: ["file": "\(path)"])
        } else {
            let key = KeyGenerator.generate()
            gatewayConfig = DemoConfig.make(key: key)
            demoKey = key
        }
        if let listen { gatewayConfig.gateway.listen = try Self.address(listen, option: "--listen") }
        if let adminListen { gatewayConfig.admin.listen = try Self.address(adminListen, option: "--admin-listen") }
        let targets = scrape?.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } ?? []
        if role == .collector && targets.isEmpty { throw ValidationError("--role collector needs --scrape URL[,URL...]") }
        if role == .gateway && !targets.isEmpty { throw ValidationError("--scrape applies to the collector and all roles only") }
        let services = GatewayServices.build(
            config: gatewayConfig, role: role, scrape: targets, environment: ProcessInfo.processInfo.environment, logger: logger
        ) { [demoKey] role, address in
            DemoBanner.print(role: role, address: address, key: demoKey)
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

extension ServeCommand {
    static func address(_ text: String, option: String) throws -> ListenAddress {
        guard let address = ListenAddress(parsing: text) else { throw ValidationError("\(option) expects host:port, got \(text)") }
        return address
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension Role: ExpressibleByArgument {}
