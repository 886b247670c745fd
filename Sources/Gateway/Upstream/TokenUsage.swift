import GatewayModel
import Telemetry
import WireJSON

/// Token counts a provider reported for one request.
struct TokenUsage: Sendable, Equatable {
    /// Prompt tokens, cached ones included.
    var input: Int
    /// Prompt tokens served from the provider's cache.
    var cachedInput: Int
    /// Prompt tokens written to the provider's cache (Anthropic's cache creation).
    var cacheWrite: Int
    /// Completion tokens.
    var output: Int

    /// Creates usage counts.
    init(input: Int, cachedInput: Int = 0, cacheWrite: Int = 0, output: Int) {
        self.input = input
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
        self.output = output
    }

    /// Most tokens one count may report: far above any model's context, far below any overflow.
    static let maxCount = 1_000_000_000

    /// What a provider's answer says about usage.
    enum Reading: Equatable {
        /// No `usage` object (or `null`).
        case absent
        /// A `usage` object whose counts are not non-negative integers up to ``TokenUsage/maxCount``
        /// (negative, fractional, huge, duplicated, cached above the prompt): not to be charged.
        case invalid
        /// Usable counts.
        case valid(TokenUsage)
    }

    /// The keys read, made once rather than on every answer.
    private enum Keys {
        static let response: JSONScanner.Keys = ["usage"]
        static let chunk: JSONScanner.Keys = ["usage", "choices"]
        static let usage: JSONScanner.Keys = ["prompt_tokens", "completion_tokens", "prompt_tokens_details", "cache_creation_input_tokens"]
        static let details: JSONScanner.Keys = ["cached_tokens"]
    }

    /// Reads the `usage` of a whole response (OpenAI's shape, or Anthropic's when `messages`);
    /// nil when `bytes` are not one JSON object. The counts are read in the same pass.
    static func parse(responseObject bytes: UnsafeBufferPointer<UInt8>, messages: Bool = false) -> Reading? {
        var counts = JSONScanner.Nested(at: 0, keys: messages ? MessagesUsage.countKeys : Keys.usage)
        guard let fields = try? JSONScanner.scanObject(bytes, keys: Keys.response, nested: &counts) else { return nil }
        guard messages else { return reading(fields[0], counts: counts, in: bytes) }
        var usage = MessagesUsage()
        usage.observe(fields[0], counts: counts, in: bytes)
        return usage.reading
    }

    /// Reads the `usage` of one stream chunk, and whether the chunk carries nothing else
    /// (`"choices": []`): the usage-only chunk that `stream_options.include_usage` asks for.
    static func parse(chunk bytes: UnsafeBufferPointer<UInt8>) -> (Reading, usageOnly: Bool) {
        var counts = JSONScanner.Nested(at: 0, keys: Keys.usage)
        guard let fields = try? JSONScanner.scanObject(bytes, keys: Keys.chunk, nested: &counts) else { return (.invalid, false) }
        let reading = reading(fields[0], counts: counts, in: bytes)
        let usageOnly = reading != .absent && fields[1].map { $0.kind == .array && $0.elementCount == 0 } == true
        return (reading, usageOnly)
    }

    /// Reads a `usage` field, whose object's counts (fields of ``Keys/usage``) a nested scan found.
    private static func reading(_ usage: JSONScanner.Field?, counts nested: JSONScanner.Nested, in bytes: UnsafeBufferPointer<UInt8>) -> Reading {
        guard let usage, usage.kind != .null else { return .absent }
        let counts = nested.fields
        guard usage.kind == .object, nested.duplicate == nil, let input = count(counts[0], in: bytes) else { return .invalid }
        var output = 0
        if counts[1] != nil {
            guard let value = count(counts[1], in: bytes) else { return .invalid }
            output = value
        }
        var cached = 0
        if let details = counts[2], details.kind != .null {
            let inner = UnsafeBufferPointer(rebasing: bytes[details.range])
            guard details.kind == .object, let found = try? JSONScanner.scanObject(inner, keys: Keys.details) else { return .invalid }
            if let field = found[0], field.kind != .null {
                guard let value = count(field, in: inner), value <= input else { return .invalid }
                cached = value
            }
        }
        var written = 0
        if let field = counts[3], field.kind != .null {
            guard let value = count(field, in: bytes), value <= input - cached else { return .invalid }
            written = value
        }
        return .valid(TokenUsage(input: input, cachedInput: cached, cacheWrite: written, output: output))
    }

    /// A non-negative integer of at most ``maxCount``; nil for anything else.
    static func count(_ field: JSONScanner.Field?, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let field, field.kind == .number, field.isInteger, bytes[field.range.lowerBound] != UInt8(ascii: "-"),
            field.range.count <= 10
        else { return nil }
        var value = 0
        for byte in bytes[field.range] { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
        return value <= maxCount ? value : nil
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
