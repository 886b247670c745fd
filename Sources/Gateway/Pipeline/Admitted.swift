import HTTPTypes

/// A request past `budget`, the last gate in front of the upstream: within every budget and
/// limit of its caller, with its worst case reserved.
struct Admitted: Sendable {
    /// The routed request.
    let routed: Routed
    /// The reservation to settle with the real cost once the answer is known; nil for a caller
    /// without budgets or limits.
    let reservation: Reservation?
    /// The `x-ratelimit-*` headers every answer to the request carries.
    let rateLimitHeaders: HTTPFields
}
