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
    /// When the price was taken from the provider's list (`YYYY-MM-DD`), for built-in prices.
    public var takenOn: String?

    /// Creates a price.
    public init(model: String, inputPerMillion: Int64, cachedInputPerMillion: Int64? = nil, outputPerMillion: Int64, takenOn: String? = nil) {
        self.model = model
        self.inputPerMillion = inputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion ?? inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.takenOn = takenOn
    }

    /// The cost of a request in whole micro-USD, rounded up so no request is free by rounding.
    /// `input` counts every prompt token, cached ones included. Saturates instead of overflowing.
    public func cost(input: Int, cachedInput: Int, output: Int) -> Int64 {
        let cached = Int64(max(0, min(cachedInput, input)))
        let uncached = Int64(max(0, input)) - cached
        let perMillion = uncached.saturatingMultiply(inputPerMillion)
            .saturatingAdd(cached.saturatingMultiply(cachedInputPerMillion))
            .saturatingAdd(Int64(max(0, output)).saturatingMultiply(outputPerMillion))
        return perMillion / 1_000_000 + (perMillion % 1_000_000 == 0 ? 0 : 1)
    }
}
