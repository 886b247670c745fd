import GatewayModel
import Synchronization

/// Provider instances for the configuration in force, rebuilt when its version changes.
final class ProviderPool: Sendable {
    private let client: UpstreamClient
    private let environment: [String: String]
    private let cache = Mutex<(version: Int, providers: [String: any Provider])>((-1, [:]))

    init(client: UpstreamClient, environment: [String: String]) {
        self.client = client
        self.environment = environment
    }

    /// The provider named `name` in `snapshot`.
    func provider(named name: String, in snapshot: SnapshotIndex) -> (any Provider)? {
        cache.withLock { cache in
            if cache.version != snapshot.version {
                var providers: [String: any Provider] = [:]
                for config in snapshot.config.providers {
                    switch config.kind {
                    case .openai: providers[config.name] = OpenAIProvider(config: config, client: client, environment: environment)
                    case .anthropic: providers[config.name] = AnthropicProvider(config: config, client: client, environment: environment)
                    case .gemini: providers[config.name] = GeminiProvider(config: config, client: client, environment: environment)
                    case .mock: providers[config.name] = MockProvider(latency: .milliseconds(config.latencyMilliseconds))
                    }
                }
                cache = (snapshot.version, providers)
            }
            return cache.providers[name]
        }
    }
}
