/// A request past `budget`, the last gate in front of the upstream: within every budget and
/// limit of its caller, with its worst case reserved.
struct Admitted: Sendable {
    /// The routed request.
    let routed: Routed
    /// The reservation to settle with the real cost once the answer is known; nil for a caller
    /// without budgets or limits.
    let reservation: Reservation?
    /// The tightest rate limits, which every answer to the request reports in its
    /// `x-ratelimit-*` headers; nil for a caller without rate limits.
    let headroom: Metering.Headroom?
}
