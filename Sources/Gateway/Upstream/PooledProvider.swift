import GatewayModel
import HTTPTypes
import NIOCore

/// A configured provider and its configuration, looked up once per target of a request: a class,
/// so that the lookup hands over one reference rather than a copy of the configuration's strings.
final class PooledProvider: Sendable {
    let provider: any Provider
    let config: ProviderConfig
    /// The configuration's timeouts, converted once.
    let firstByteTimeout: TimeAmount
    let timeout: TimeAmount
    /// The fields of a whole JSON answer and of an SSE stream from this provider, made once: an
    /// `HTTPField` checks its value each time one is made, and appending one to `HTTPFields` goes
    /// through the collection protocol's generic `insert` (together about 600 instructions a field).
    private let jsonFields: HTTPFields
    private let streamFields: HTTPFields

    init(provider: any Provider, config: ProviderConfig) {
        self.provider = provider
        self.config = config
        self.firstByteTimeout = .seconds(clamping: config.firstByteTimeoutSeconds)
        self.timeout = .seconds(clamping: config.timeoutSeconds)
        self.jsonFields = Self.answerFields(provider: config.name, contentType: Self.json, stream: false)
        self.streamFields = Self.answerFields(provider: config.name, contentType: Self.eventStream, stream: true)
    }

    /// The fields that an answer relayed from this provider starts with: the provider's name, the
    /// answer's content type (JSON when it states none) and, for a stream, `cache-control: no-cache`.
    func answerFields(contentType: String?, stream: Bool) -> HTTPFields {
        let type = contentType ?? Self.json
        if type == (stream ? Self.eventStream : Self.json) { return stream ? streamFields : jsonFields }
        return Self.answerFields(provider: config.name, contentType: type, stream: stream)
    }

    private static let json = "application/json"
    private static let eventStream = "text/event-stream"

    private static func answerFields(provider: String, contentType: String, stream: Bool) -> HTTPFields {
        stream
            ? [.gatewayProvider: provider, .contentType: contentType, .cacheControl: "no-cache"]
            : [.gatewayProvider: provider, .contentType: contentType]
    }
}
