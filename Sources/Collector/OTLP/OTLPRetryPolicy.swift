/// How long an export keeps trying: exponential backoff with jitter between attempts, a backend's
/// `Retry-After` honoured as given, and a bound on the time one batch may take in all.
public struct OTLPRetryPolicy: Sendable {
    /// The first wait.
    public var initial: Duration
    /// The longest wait between attempts (a `Retry-After` may ask for more, up to ``longestRetryAfter``).
    public var maximum: Duration
    /// The most a backend's `Retry-After` is honoured for.
    public var longestRetryAfter: Duration
    /// How long one batch is retried before it is counted failed.
    public var giveUpAfter: Duration

    /// Creates a policy.
    public init(
        initial: Duration = .milliseconds(500), maximum: Duration = .seconds(5), longestRetryAfter: Duration = .seconds(300),
        giveUpAfter: Duration = .seconds(300)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.longestRetryAfter = longestRetryAfter
        self.giveUpAfter = giveUpAfter
    }

    /// The wait before retry number `retry` (1 for the first): the backend's `retryAfter` seconds
    /// when it gave them, else a random time between half and all of the doubled backoff.
    func wait(beforeRetry retry: Int, retryAfter: Double?, using generator: inout some RandomNumberGenerator) -> Duration {
        if let retryAfter { return min(.milliseconds(Int64(retryAfter * 1000)), longestRetryAfter) }
        let ceiling = min(initial * (1 << min(retry - 1, 20)), maximum)
        let millis = Int64(ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000)
        return .milliseconds(Int64.random(in: max(1, millis / 2)...max(1, millis), using: &generator))
    }
}
