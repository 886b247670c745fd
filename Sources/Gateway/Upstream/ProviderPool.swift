import GatewayModel
import Synchronization

/// Provider instances for the configuration in force, rebuilt when its version changes.
final class ProviderPool: Sendable {
    private let make: @Sendable (ProviderConfig) -> any Provider
    private let cache = Mutex<(version: Int, providers: [String: PooledProvider])>((-1, [:]))

    /// A pool of the providers each configuration names, of their configured kind.
    convenience init(client: UpstreamClient, environment: [String: String]) {
        self.init { config in
            switch config.kind {
            case .openai: OpenAIProvider(config: config, client: client, environment: environment)
            case .anthropic: AnthropicProvider(config: config, client: client, environment: environment)
            case .gemini: GeminiProvider(config: config, client: client, environment: environment)
            case .mock: MockProvider(latency: .milliseconds(config.latencyMilliseconds))
            }
        }
    }

    /// A pool whose providers `make` builds from their configuration.
    init(make: @escaping @Sendable (ProviderConfig) -> any Provider) {
        self.make = make
    }

    /// The provider named `name` in `snapshot`, with its configuration.
    func provider(named name: String, in snapshot: SnapshotIndex) -> PooledProvider? {
        cache.withLock { cache in
            if cache.version != snapshot.version {
                var providers: [String: PooledProvider] = [:]
                for config in snapshot.config.providers { providers[config.name] = PooledProvider(provider: make(config), config: config) }
                cache = (snapshot.version, providers)
            }
            return cache.providers[name]
        }
    }
}
