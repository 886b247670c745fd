/// What one model costs, in micro-USD per million tokens (so `0.15` USD per million is `150_000`).
public struct Price: Sendable, Equatable, Codable {
    /// The model name the price applies to (the name sent upstream, or the requested one).
    public var model: String
    /// Prompt tokens not served from the provider's cache.
    public var inputPerMillion: Int64
    /// Prompt tokens served from the provider's cache.
    public var cachedInputPerMillion: Int64
    /// Completion tokens.
    public var outputPerMillion: Int64
    /// Prompt tokens written to the provider's cache (Anthropic's cache creation); nil when
    /// they cost as ordinary input.
    public var cacheWritePerMillion: Int64?
    /// When the price was taken from the provider's list (`YYYY-MM-DD`), for built-in prices.
    public var takenOn: String?

    /// Creates a price.
    public init(model: String, inputPerMillion: Int64, cachedInputPerMillion: Int64? = nil, outputPerMillion: Int64, cacheWritePerMillion: Int64? = nil,
        takenOn: String? = nil
    ) {
        self.model = model
        self.inputPerMillion = inputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion ?? inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cacheWritePerMillion = cacheWritePerMillion
        self.takenOn = takenOn
    }

    /// The cost of a request in whole micro-USD, rounded up so no request is free by rounding.
    /// `input` counts every prompt token, cache reads (`cachedInput`) and cache writes included.
    /// Saturates instead of overflowing; counts out of order are clamped, never trusted.
    public func cost(input: Int, cachedInput: Int, cacheWrite: Int = 0, output: Int) -> Int64 {
        let total = Int64(max(0, input))
        let cached = Int64(max(0, min(cachedInput, input)))
        let written = min(Int64(max(0, cacheWrite)), total - cached)
        let uncached = total - cached - written
        let perMillion = uncached.saturatingMultiply(inputPerMillion)
            .saturatingAdd(cached.saturatingMultiply(cachedInputPerMillion))
            .saturatingAdd(written.saturatingMultiply(cacheWritePerMillion ?? inputPerMillion))
            .saturatingAdd(Int64(max(0, output)).saturatingMultiply(outputPerMillion))
        return perMillion / 1_000_000 + (perMillion % 1_000_000 == 0 ? 0 : 1)
    }
}
