import GatewayModel
import NIOCore

/// A configured provider and its configuration, looked up once per target of a request: a class,
/// so that the lookup hands over one reference rather than a copy of the configuration's strings.
final class PooledProvider: Sendable {
    let provider: any Provider
    let config: ProviderConfig
    /// The configuration's timeouts, converted once.
    let firstByteTimeout: TimeAmount
    let timeout: TimeAmount

    init(provider: any Provider, config: ProviderConfig) {
        self.provider = provider
        self.config = config
        self.firstByteTimeout = .seconds(clamping: config.firstByteTimeoutSeconds)
        self.timeout = .seconds(clamping: config.timeoutSeconds)
    }
}
