import GatewayModel
import HTTPTypes
import Hummingbird
import NIOCore
import Telemetry

/// Everything the gate chain learns about one request, filled in gate by gate.
///
/// Each gate may rely on what the gates before it recorded: after `reconcile` there is a snapshot,
/// after `payload` a parsed payload, after `key-auth` a grant, after `routing` a route.
struct Exchange {
    /// The request id, also the trace id.
    let requestID: TraceID
    /// The operation requested.
    let endpoint: Endpoint
    /// The incoming request; its body is consumed by the `payload` gate.
    var request: Request
    /// When the request arrived.
    let started: ContinuousClock.Instant
    /// The raw request passed the size limit before its body was complete.
    var oversized = false
    /// The configuration in force for this request.
    var snapshot: ConfigSnapshot?
    /// The validated body.
    var payload: RequestPayload?
    /// Who is calling (also set for an expired key, so its denial is attributed to its project).
    var grant: KeyGrant?
    /// Where the requested model goes.
    var route: Route?
    /// Headers every answer to this request carries, such as `x-ratelimit-*` for a limited key.
    var responseHeaders = HTTPFields()
}
