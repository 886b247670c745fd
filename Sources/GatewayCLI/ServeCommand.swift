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
        if let listen {
            guard let address = ListenAddress(parsing: listen) else { throw ValidationError("--listen expects host:port, got \(listen)") }
            gatewayConfig.gateway.listen = address
        }
        let services = GatewayServices.build(
            config: gatewayConfig, environment: ProcessInfo.processInfo.environment, logger: logger
        ) { [demoKey] address in
            DemoBanner.print(address: address, key: demoKey)
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
