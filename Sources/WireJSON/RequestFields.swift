import NIOCore

/// The fields of an OpenAI request body that the gateway acts on, read in one pass from the bytes
/// that are forwarded, so the gateway and the provider read the same request.
///
/// A body that two parsers could read differently is refused: a duplicate of a field read here
/// (at the top level or in `stream_options`), compared after unescaping, and unpaired surrogates.
public struct RequestFields: Sendable, Equatable {
    /// Which fields a body must carry.
    public enum Shape: Sendable {
        /// `model` and a non-empty `messages` array of objects.
        case chat
        /// `model` and `input` (a string or a non-empty array).
        case embeddings
        /// The Anthropic Messages API: `model`, a non-empty `messages` array of objects, a positive
        /// `max_tokens`, and `system` (a string or an array of blocks) when given.
        case messages
    }

    /// The requested model.
    public let model: String
    /// Whether the client asked for an SSE stream.
    public let stream: Bool
    /// `max_completion_tokens` or, without it, `max_tokens`.
    public let maxTokens: Int?
    /// Whether the client itself set `stream_options.include_usage` to `true`.
    public let clientIncludesUsage: Bool
    /// Where the request's text sits: the value of `messages` (chat, messages) or `input` (embeddings).
    public let textRange: Range<Int>
    /// Where a Messages request's `system` value sits, when it has one.
    public let systemRange: Range<Int>?
    private let modelRange: Range<Int>
    private let streamOptions: JSONScanner.Field?
    private let includeUsage: JSONScanner.Field?

    private static let keys: JSONScanner.Keys = ["model", "messages", "stream", "max_tokens", "max_completion_tokens", "stream_options", "input", "system"]
    private static let streamOptionsKeys: JSONScanner.Keys = ["include_usage"]

    /// Reads the fields of a request of `shape` from `bytes`.
    /// - Throws: a ``RequestFieldError`` naming what is wrong.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, shape: Shape) throws(RequestFieldError) -> RequestFields {
        let fields: JSONScanner.Fields
        var streamOptionsFields = JSONScanner.Nested(at: 5, keys: streamOptionsKeys)  // `stream_options`, read in the same pass
        do {
            fields = try JSONScanner.scanObject(bytes, keys: keys, nested: &streamOptionsFields)
        } catch {
            throw RequestFieldError(error, empty: "The request body is empty; send a JSON object such as {\"model\":\"...\",\"messages\":[...]}.")
        }
        let (model, messages, stream, maxTokens, maxCompletionTokens, streamOptions, input, system) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7])
        guard let model else { throw .invalid("Missing required field 'model'.", param: "model") }
        guard model.kind == .string, model.range.count > 2 else {
            throw .invalid("'model' must be a non-empty string naming a model, got \(model.kind).", param: "model")
        }
        let textRange: Range<Int>
        var systemRange: Range<Int>?
        switch shape {
        case .chat, .messages:
            guard let messages else { throw .invalid("Missing required field 'messages'.", param: "messages") }
            guard messages.kind == .array, messages.elementCount > 0, messages.allElementsAreObjects else {
                throw .invalid("'messages' must be a non-empty array of message objects.", param: "messages")
            }
            textRange = messages.range
            if shape == .messages {
                guard maxTokens != nil else { throw .invalid("Missing required field 'max_tokens'.", param: "max_tokens") }
                if let system, system.kind != .null {
                    guard system.kind == .string || (system.kind == .array && system.allElementsAreObjects) else {
                        throw .invalid("'system' must be a string or an array of text blocks, got \(system.kind).", param: "system")
                    }
                    systemRange = system.range
                }
            }
        case .embeddings:
            guard let input else { throw .invalid("Missing required field 'input'.", param: "input") }
            guard input.kind == .string || (input.kind == .array && input.elementCount > 0) else {
                throw .invalid("'input' must be a string or a non-empty array.", param: "input")
            }
            textRange = input.range
        }
        if let stream, stream.kind != .bool, stream.kind != .null {
            throw .invalid("'stream' must be a boolean, got \(stream.kind).", param: "stream")
        }
        let completionLimit = try positiveInteger(maxCompletionTokens, name: "max_completion_tokens", bytes)
        let tokensLimit = try positiveInteger(maxTokens, name: "max_tokens", bytes)
        if let streamOptions, streamOptions.kind != .object, streamOptions.kind != .null {
            throw .invalid("'stream_options' must be an object, got \(streamOptions.kind).", param: "stream_options")
        }
        if let duplicate = streamOptionsFields.duplicate { throw RequestFieldError(duplicate, empty: "", within: "stream_options") }
        let includeUsage = streamOptionsFields.fields[0]
        return RequestFields(
            model: JSONString.decode(bytes, range: model.range),
            stream: stream.map { bytes[$0.range.lowerBound] == UInt8(ascii: "t") } ?? false,
            maxTokens: completionLimit ?? tokensLimit,
            clientIncludesUsage: includeUsage.map { $0.kind == .bool && bytes[$0.range.lowerBound] == UInt8(ascii: "t") } ?? false,
            textRange: textRange,
            systemRange: systemRange,
            modelRange: model.range,
            streamOptions: streamOptions,
            includeUsage: includeUsage
        )
    }

    /// A positive integer that fits `Int`; anything else (0, negative, fraction, exponent, 2^63 or
    /// more) is refused rather than read differently from the provider.
    private static func positiveInteger(_ field: JSONScanner.Field?, name: String, _ bytes: UnsafeBufferPointer<UInt8>) throws(RequestFieldError) -> Int? {
        guard let field, field.kind != .null else { return nil }
        guard field.kind == .number, field.isInteger, let value = decimal(bytes[field.range]), value > 0
        else { throw .invalid("'\(name)' must be a positive integer below 2^63.", param: name) }
        return value
    }

    /// The value of `digits` (at least one, no sign); nil for any other byte, or past `Int.max`.
    /// Read in place: what `Int(String)` reads, without making the string.
    private static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = tens.addingReportingOverflow(Int(digit))
            guard !overflow && !carry else { return nil }
            value = sum
        }
        return value
    }

    /// `body` (the bytes these fields were read from) as sent upstream: `routed` in place of the
    /// requested model and, for a stream when `askForUsage`, `stream_options.include_usage` set so
    /// the final chunk carries usage. Every other byte is kept.
    public func upstreamBody(_ body: ByteBuffer, model routed: String, askForUsage: Bool) -> ByteBuffer {
        let modelEdit = routed == model ? nil : BodyEdit(range: modelRange, replacement: JSONString.quoted(routed))
        var usageEdit: BodyEdit?
        if stream && askForUsage && !clientIncludesUsage {
            if let includeUsage {
                usageEdit = BodyEdit(range: includeUsage.range, replacement: "true")
            } else if let streamOptions, streamOptions.kind == .null {
                usageEdit = BodyEdit(range: streamOptions.range, replacement: "{\"include_usage\":true}")
            } else if let streamOptions {
                let afterBrace = streamOptions.range.lowerBound + 1
                let empty = body.withUnsafeReadableBytes { raw in raw[streamOptions.range.dropFirst().dropLast()].allSatisfy(Self.isBlank) }
                usageEdit = BodyEdit(range: afterBrace..<afterBrace, replacement: empty ? "\"include_usage\":true" : "\"include_usage\":true,")
            } else {
                let afterBrace = (body.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "{")) } ?? 0) + 1
                usageEdit = BodyEdit(range: afterBrace..<afterBrace, replacement: "\"stream_options\":{\"include_usage\":true},")
            }
        }
        switch (modelEdit, usageEdit) {
        case (nil, nil): return body
        case (let edit?, nil), (nil, let edit?): return BodyEdit.apply(edit, then: nil, to: body)
        case (let model?, let usage?):
            let inOrder = model.range.lowerBound <= usage.range.lowerBound
            return BodyEdit.apply(inOrder ? model : usage, then: inOrder ? usage : model, to: body)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}

/// Why a request body was refused: a message that says what to fix, the field at fault and the
/// reason code (`empty_body`, `invalid_json` or `invalid_request`).
public struct RequestFieldError: Error, Sendable, Equatable {
    /// What is wrong and what to do.
    public var message: String
    /// The field at fault, when there is one.
    public var param: String?
    /// ``ReasonCode/emptyBody``, ``ReasonCode/invalidJSON`` or ``ReasonCode/invalidRequest``.
    public var reason: ReasonCode

    static func invalid(_ message: String, param: String?) -> RequestFieldError {
        RequestFieldError(message: message, param: param, reason: .invalidRequest)
    }

    init(message: String, param: String?, reason: ReasonCode) {
        self.message = message
        self.param = param
        self.reason = reason
    }

    init(_ error: JSONScanError, empty: String, within parent: String? = nil) {
        if let field = error.duplicateField {
            let path = parent.map { "\($0).\(field)" } ?? field
            self.init(
                message: "The field '\(path)' appears more than once (keys are compared after unescaping); send it once.",
                param: path, reason: .invalidRequest)
        } else if error.problem == JSONScanError.emptyProblem && parent == nil {
            self.init(message: empty, param: nil, reason: .emptyBody)
        } else {
            self.init(message: "The request body is not valid JSON: \(error.problem) (at byte \(error.offset)).", param: nil, reason: .invalidJSON)
        }
    }
}
