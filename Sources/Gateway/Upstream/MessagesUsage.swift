import WireJSON

/// The usage of an Anthropic Messages answer, gathered as it arrives: a whole answer's `usage`,
/// or a stream's `message_start` counts updated by each `message_delta` (whose counts are
/// cumulative). The prompt is `input_tokens` plus the cache reads and writes.
struct MessagesUsage {
    private var input: Int?
    private var read = 0
    private var written = 0
    private var output: Int?
    private var invalid = false
    private var seen = false

    private static let eventKeys: JSONScanner.Keys = ["message", "usage"]
    private static let messageKeys: JSONScanner.Keys = ["usage"]
    /// The counts of a `usage` object.
    static let countKeys: JSONScanner.Keys = ["input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens"]

    /// Reads the counts of one stream event's JSON (`message.usage` or `usage`).
    mutating func observe(event bytes: UnsafeBufferPointer<UInt8>) {
        var counts = JSONScanner.Nested(at: 1, keys: Self.countKeys)
        guard let fields = try? JSONScanner.scanObject(bytes, keys: Self.eventKeys, nested: &counts) else { return }
        if let message = fields[0], message.kind == .object {
            let inner = UnsafeBufferPointer(rebasing: bytes[message.range])
            var messageCounts = JSONScanner.Nested(at: 0, keys: Self.countKeys)
            if let nested = try? JSONScanner.scanObject(inner, keys: Self.messageKeys, nested: &messageCounts) {
                observe(nested[0], counts: messageCounts, in: inner)
            }
        }
        observe(fields[1], counts: counts, in: bytes)
    }

    /// Reads the counts of a `usage` value found in `bytes`, whose object's fields of
    /// ``countKeys`` a nested scan found.
    mutating func observe(_ usage: JSONScanner.Field?, counts nested: JSONScanner.Nested, in bytes: UnsafeBufferPointer<UInt8>) {
        guard let usage, usage.kind != .null else { return }
        seen = true
        guard usage.kind == .object, nested.duplicate == nil else {
            invalid = true
            return
        }
        let counts = nested.fields
        func update(_ index: Int, _ apply: (Int) -> Void) {
            guard let field = counts[index], field.kind != .null else { return }
            if let value = TokenUsage.count(field, in: bytes) { apply(value) } else { invalid = true }
        }
        update(0) { input = $0 }
        update(1) { read = $0 }
        update(2) { written = $0 }
        update(3) { output = $0 }
    }

    /// What the counts add up to.
    var reading: TokenUsage.Reading {
        guard seen else { return .absent }
        guard !invalid, let input, let output else { return .invalid }
        let prompt = input + read + written  // each at most TokenUsage.maxCount: no overflow
        guard prompt <= TokenUsage.maxCount else { return .invalid }
        return .valid(TokenUsage(input: prompt, cachedInput: read, cacheWrite: written, output: output))
    }
}
