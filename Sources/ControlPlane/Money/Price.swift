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
        let perMillion = Self.add(
            Self.add(Self.multiply(uncached, inputPerMillion), Self.multiply(cached, cachedInputPerMillion)),
            Self.multiply(Int64(max(0, output)), outputPerMillion))
        return perMillion / 1_000_000 + (perMillion % 1_000_000 == 0 ? 0 : 1)
    }

    private static func multiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : value
    }

    private static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : value
    }
}
