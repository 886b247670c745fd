/// List prices of common chat and embedding models, used unless the configuration or the admin
/// API sets a price for the model. USD per million tokens: input, cached input, output.
public enum PriceTable {
    /// When the built-in prices of OpenAI's and Mistral's models were taken from their public price lists.
    public static let takenOn = "2025-08-15"
    /// When the built-in prices of Anthropic's and Google's models were taken from their public price lists.
    public static let providersTakenOn = "2026-12-01"

    /// The built-in prices by model name.
    public static let builtIn: [String: Price] = {
        // Model, input, cached input (cache reads), output, cache writes (nil: as input), date taken.
        let rows: [(String, String, String, String, String?, String)] = [
            // OpenAI
            ("gpt-5", "1.25", "0.125", "10", nil, takenOn),
            ("gpt-5-mini", "0.25", "0.025", "2", nil, takenOn),
            ("gpt-5-nano", "0.05", "0.005", "0.4", nil, takenOn),
            ("gpt-4.1", "2", "0.5", "8", nil, takenOn),
            ("gpt-4.1-mini", "0.4", "0.1", "1.6", nil, takenOn),
            ("gpt-4.1-nano", "0.1", "0.025", "0.4", nil, takenOn),
            ("gpt-4o", "2.5", "1.25", "10", nil, takenOn),
            ("gpt-4o-mini", "0.15", "0.075", "0.6", nil, takenOn),
            ("o3", "2", "0.5", "8", nil, takenOn),
            ("o4-mini", "1.1", "0.275", "4.4", nil, takenOn),
            ("text-embedding-3-small", "0.02", "0.02", "0", nil, takenOn),
            ("text-embedding-3-large", "0.13", "0.13", "0", nil, takenOn),
            // Anthropic (cached input: cache hits; cache writes: the 5-minute rate)
            ("claude-opus-5", "5", "0.5", "25", "6.25", providersTakenOn),
            ("claude-opus-4-5", "5", "0.5", "25", "6.25", providersTakenOn),
            ("claude-opus-4-1", "15", "1.5", "75", "18.75", providersTakenOn),
            ("claude-opus-4", "15", "1.5", "75", "18.75", providersTakenOn),
            ("claude-sonnet-5", "2", "0.2", "10", "2.5", providersTakenOn),
            ("claude-sonnet-4-5", "3", "0.3", "15", "3.75", providersTakenOn),
            ("claude-sonnet-4", "3", "0.3", "15", "3.75", providersTakenOn),
            ("claude-3-7-sonnet", "3", "0.3", "15", "3.75", providersTakenOn),
            ("claude-haiku-4-5", "1", "0.1", "5", "1.25", providersTakenOn),
            ("claude-3-5-haiku", "0.8", "0.08", "4", "1", providersTakenOn),
            // Google (prompts up to 200k tokens; cached input: context cache reads)
            ("gemini-3-pro-preview", "2", "0.2", "12", nil, providersTakenOn),
            ("gemini-2.5-pro", "1.25", "0.125", "10", nil, providersTakenOn),
            ("gemini-2.5-flash", "0.3", "0.03", "2.5", nil, providersTakenOn),
            ("gemini-2.5-flash-lite", "0.1", "0.01", "0.4", nil, providersTakenOn),
            ("gemini-2.0-flash", "0.1", "0.025", "0.4", nil, providersTakenOn),
            ("gemini-embedding-001", "0.15", "0.15", "0", nil, providersTakenOn),
            // Mistral
            ("mistral-large-latest", "2", "2", "6", nil, takenOn),
            ("mistral-medium-latest", "0.4", "0.4", "2", nil, takenOn),
            ("mistral-small-latest", "0.1", "0.1", "0.3", nil, takenOn),
            ("codestral-latest", "0.3", "0.3", "0.9", nil, takenOn),
            ("mistral-embed", "0.1", "0.1", "0", nil, takenOn),
            // The built-in mock provider's models, at gpt-4o-mini and text-embedding-3-small rates, so the demo shows costs.
            ("mock-gpt", "0.15", "0.075", "0.6", nil, takenOn),
            ("mock-embedding", "0.02", "0.02", "0", nil, takenOn),
        ]
        var table: [String: Price] = [:]
        for (model, input, cached, output, cacheWrite, taken) in rows {
            table[model] = Price(
                model: model, inputPerMillion: MicroUSD.parse(input)!, cachedInputPerMillion: MicroUSD.parse(cached)!,
                outputPerMillion: MicroUSD.parse(output)!, cacheWritePerMillion: cacheWrite.map { MicroUSD.parse($0)! }, takenOn: taken)
        }
        return table
    }()
}
