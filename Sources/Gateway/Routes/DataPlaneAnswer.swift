import Telemetry

/// The data plane's answer to a request, and the fields every answer carries, which the listener
/// writes straight into the head instead of adding them to the answer's `HTTPFields`.
struct DataPlaneAnswer {
    /// The answer.
    var answer: ClientAnswer
    /// The request's id, sent as `x-request-id`.
    let requestID: TraceID
    /// The rate limits of a request the `budget` gate admitted, sent as `x-ratelimit-*`; nil
    /// for a request that did not get that far or whose caller has no rate limits.
    let headroom: Metering.Headroom?
}
