/// List prices of common chat and embedding models, used unless the configuration or the admin
/// API sets a price for the model. USD per million tokens: input, cached input, output.
public enum PriceTable {
    /// When the built-in prices were taken from the providers' public price lists.
    public static let takenOn = "2025-08-15"

    /// The built-in prices by model name.
    public static let builtIn: [String: Price] = {
        let rows: [(String, String, String, String)] = [
            // OpenAI
            ("gpt-5", "1.25", "0.125", "10"),
            ("gpt-5-mini", "0.25", "0.025", "2"),
            ("gpt-5-nano", "0.05", "0.005", "0.4"),
            ("gpt-4.1", "2", "0.5", "8"),
            ("gpt-4.1-mini", "0.4", "0.1", "1.6"),
            ("gpt-4.1-nano", "0.1", "0.025", "0.4"),
            ("gpt-4o", "2.5", "1.25", "10"),
            ("gpt-4o-mini", "0.15", "0.075", "0.6"),
            ("o3", "2", "0.5", "8"),
            ("o4-mini", "1.1", "0.275", "4.4"),
            ("text-embedding-3-small", "0.02", "0.02", "0"),
            ("text-embedding-3-large", "0.13", "0.13", "0"),
            // Anthropic (cached input: cache reads)
            ("claude-opus-4-1", "15", "1.5", "75"),
            ("claude-opus-4", "15", "1.5", "75"),
            ("claude-sonnet-4", "3", "0.3", "15"),
            ("claude-3-7-sonnet", "3", "0.3", "15"),
            ("claude-3-5-haiku", "0.8", "0.08", "4"),
            // Google (prompts up to 200k tokens)
            ("gemini-2.5-pro", "1.25", "0.31", "10"),
            ("gemini-2.5-flash", "0.3", "0.075", "2.5"),
            ("gemini-2.5-flash-lite", "0.1", "0.025", "0.4"),
            ("gemini-2.0-flash", "0.1", "0.025", "0.4"),
            ("gemini-embedding-001", "0.15", "0.15", "0"),
            // Mistral
            ("mistral-large-latest", "2", "2", "6"),
            ("mistral-medium-latest", "0.4", "0.4", "2"),
            ("mistral-small-latest", "0.1", "0.1", "0.3"),
            ("codestral-latest", "0.3", "0.3", "0.9"),
            ("mistral-embed", "0.1", "0.1", "0"),
            // The built-in mock provider's models, at gpt-4o-mini and text-embedding-3-small rates, so the demo shows costs.
            ("mock-gpt", "0.15", "0.075", "0.6"),
            ("mock-embedding", "0.02", "0.02", "0"),
        ]
        var table: [String: Price] = [:]
        for (model, input, cached, output) in rows {
            table[model] = Price(
                model: model, inputPerMillion: MicroUSD.parse(input)!, cachedInputPerMillion: MicroUSD.parse(cached)!,
                outputPerMillion: MicroUSD.parse(output)!, takenOn: takenOn)
        }
        return table
    }()
}
