import ControlPlane
import Gateway
import Hummingbird
import Logging
import ServiceLifecycle

/// Wires the one-process gateway: the shared upstream client and the data-plane server.
enum GatewayServices {
    /// The services to run, in start order (they stop in reverse).
    static func build(
        config: GatewayConfig,
        environment: [String: String],
        logger: Logger,
        onListening: @escaping @Sendable (String) -> Void
    ) -> [any Service] {
        let active = ActiveSnapshot(ConfigSnapshot(version: 1, config: config))
        let client = DataPlane.makeClient(connectTimeoutSeconds: config.gateway.upstreamConnectTimeoutSeconds)
        let router = DataPlane.router(
            active: active, client: client, environment: environment, recorder: LogRequestRecorder(logger: logger), logger: logger)
        let listen = config.gateway.listen
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listen.port
                onListening(ListenAddress(host: listen.host, port: port).description)
            },
            logger: logger
        )
        return [UpstreamClientService(client: client), app]
    }
}
