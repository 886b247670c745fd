import Hummingbird
import NIOCore
import Telemetry

/// Per-request context of the data plane: Hummingbird's core storage plus the request id.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id (also the trace id), sent back as `x-request-id`.
    public let requestID: TraceID

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = .next()
    }
}
