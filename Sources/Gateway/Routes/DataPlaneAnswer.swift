import HummingbirdCore
import Telemetry

/// The data plane's answer to a request: the response, and the fields every answer carries,
/// which the listener writes straight into the head instead of adding them to the response's
/// `HTTPFields`.
struct DataPlaneAnswer {
    /// The response.
    var response: Response
    /// The request's id, sent as `x-request-id`.
    let requestID: TraceID
    /// The rate limits of a request the `budget` gate admitted, sent as `x-ratelimit-*`; nil
    /// for a request that did not get that far or whose caller has no rate limits.
    let headroom: Metering.Headroom?
}
