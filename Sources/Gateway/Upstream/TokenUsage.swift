import ControlPlane
import Telemetry

/// Token counts a provider reported for one request.
struct TokenUsage: Sendable, Equatable {
    /// Prompt tokens, cached ones included.
    var input: Int
    /// Prompt tokens served from the provider's cache.
    var cachedInput: Int
    /// Completion tokens.
    var output: Int

    /// Creates usage counts.
    init(input: Int, cachedInput: Int = 0, output: Int) {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
    }

    /// Reads an OpenAI `usage` object out of the JSON object in `bytes` (a response or a stream chunk);
    /// nil when it has none.
    static func parse(responseObject bytes: UnsafeBufferPointer<UInt8>) -> TokenUsage? {
        guard let fields = try? JSONScanner.scanObject(bytes, keys: ["usage"]), let usage = fields[0], usage.kind == .object
        else { return nil }
        let object = UnsafeBufferPointer(rebasing: bytes[usage.range])
        guard let counts = try? JSONScanner.scanObject(object, keys: ["prompt_tokens", "completion_tokens", "prompt_tokens_details"])
        else { return nil }
        var cached = 0
        if let details = counts[2], details.kind == .object,
            let inner = try? JSONScanner.scanObject(UnsafeBufferPointer(rebasing: object[details.range]), keys: ["cached_tokens"])
        {
            cached = integer(inner[0], in: UnsafeBufferPointer(rebasing: object[details.range])) ?? 0
        }
        guard let input = integer(counts[0], in: object) else { return nil }
        return TokenUsage(input: input, cachedInput: cached, output: integer(counts[1], in: object) ?? 0)
    }

    private static func integer(_ field: JSONScanner.Field?, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let field, field.kind == .number, field.isInteger else { return nil }
        var value = 0
        for byte in bytes[field.range] where byte != UInt8(ascii: "-") {
            value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
        }
        return value
    }
}

extension RequestTrace {
    /// Records `usage` (saturating at the field size); nil leaves the counts at zero.
    mutating func setUsage(_ usage: TokenUsage?) {
        guard let usage else { return }
        inputTokens = UInt32(clamping: usage.input)
        cachedInputTokens = UInt32(clamping: usage.cachedInput)
        outputTokens = UInt32(clamping: usage.output)
    }
}
