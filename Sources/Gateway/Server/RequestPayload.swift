import ControlPlane
import HTTPTypes
import NIOCore

/// A request body that passed the `payload` gate: valid JSON with the fields the endpoint needs,
/// kept as the original bytes plus the few values the gates read.
struct RequestPayload: Sendable {
    /// The body as the client sent it.
    let body: ByteBuffer
    /// The requested model.
    let model: String
    /// Whether the client asked for an SSE stream.
    let stream: Bool
    /// `max_completion_tokens` or `max_tokens`, when given.
    let maxTokens: Int?
    private let modelRange: Range<Int>
    private let streamOptions: JSONScanner.Field?
    private let includeUsage: JSONScanner.Field?

    private static let keys = ["model", "messages", "stream", "max_tokens", "max_completion_tokens", "stream_options", "input"]

    /// Validates `body` for `endpoint`.
    /// - Throws: a `payload` ``GateDenial`` (400) naming what is wrong.
    static func parse(_ body: ByteBuffer, for endpoint: Endpoint) throws(GateDenial) -> RequestPayload {
        let result: Result<RequestPayload, GateDenial> = body.withUnsafeReadableBytes { raw in
            Result { () throws(GateDenial) in try parse(raw.bindMemory(to: UInt8.self), body: body, endpoint: endpoint) }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, body: ByteBuffer, endpoint: Endpoint) throws(GateDenial) -> RequestPayload {
        let fields: [JSONScanner.Field?]
        do {
            fields = try JSONScanner.scanObject(bytes, keys: keys)
        } catch {
            if error.problem == "the body is empty" {
                throw invalid("The request body is empty; send a JSON object such as {\"model\":\"...\",\"messages\":[...]}.", reason: "empty_body")
            }
            throw invalid("The request body is not valid JSON: \(error.problem) (at byte \(error.offset)).", reason: "invalid_json")
        }
        let (model, messages, stream, maxTokens, maxCompletionTokens, streamOptions, input) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6])
        guard let model else { throw invalid("Missing required field 'model'.", param: "model") }
        guard model.kind == .string, model.range.count > 2 else {
            throw invalid("'model' must be a non-empty string naming a model, got \(model.kind).", param: "model")
        }
        switch endpoint {
        case .chatCompletions:
            guard let messages else { throw invalid("Missing required field 'messages'.", param: "messages") }
            guard messages.kind == .array, messages.elementCount > 0, messages.allElementsAreObjects else {
                throw invalid("'messages' must be a non-empty array of message objects.", param: "messages")
            }
        case .embeddings:
            guard let input else { throw invalid("Missing required field 'input'.", param: "input") }
            guard input.kind == .string || (input.kind == .array && input.elementCount > 0) else {
                throw invalid("'input' must be a string or a non-empty array.", param: "input")
            }
        case .models:
            break
        }
        if let stream, stream.kind != .bool, stream.kind != .null {
            throw invalid("'stream' must be a boolean, got \(stream.kind).", param: "stream")
        }
        let completionLimit = try positiveInteger(maxCompletionTokens, name: "max_completion_tokens", bytes)
        let tokensLimit = try positiveInteger(maxTokens, name: "max_tokens", bytes)
        let limit = completionLimit ?? tokensLimit
        if let streamOptions, streamOptions.kind != .object, streamOptions.kind != .null {
            throw invalid("'stream_options' must be an object, got \(streamOptions.kind).", param: "stream_options")
        }
        var includeUsage: JSONScanner.Field?
        if let streamOptions, streamOptions.kind == .object {
            let inner = UnsafeBufferPointer(rebasing: bytes[streamOptions.range])
            if var field = (try? JSONScanner.scanObject(inner, keys: ["include_usage"]))?.first ?? nil {
                let offset = streamOptions.range.lowerBound
                field.range = (field.range.lowerBound + offset)..<(field.range.upperBound + offset)
                includeUsage = field
            }
        }
        return RequestPayload(
            body: body,
            model: JSONString.decode(bytes, range: model.range),
            stream: stream.map { bytes[$0.range.lowerBound] == UInt8(ascii: "t") } ?? false,
            maxTokens: limit,
            modelRange: model.range,
            streamOptions: streamOptions?.kind == .object ? streamOptions : nil,
            includeUsage: includeUsage
        )
    }

    private static func positiveInteger(_ field: JSONScanner.Field?, name: String, _ bytes: UnsafeBufferPointer<UInt8>) throws(GateDenial) -> Int? {
        guard let field, field.kind != .null else { return nil }
        guard field.kind == .number, field.isInteger,
            let value = Int(String(decoding: bytes[field.range], as: UTF8.self)), value > 0
        else { throw invalid("'\(name)' must be a positive integer.", param: name) }
        return value
    }

    private static func invalid(_ message: String, param: String? = nil, reason: String = "invalid_request") -> GateDenial {
        GateDenial(gate: .payload, status: .badRequest, reason: reason, message: message, param: param)
    }

    /// The body to send upstream: the routed model in place of the requested one and, for a stream
    /// when `askForUsage`, `stream_options.include_usage` set so the final chunk carries usage.
    func upstreamBody(model routed: String, askForUsage: Bool) -> ByteBuffer {
        var edits: [BodyEdit] = []
        if routed != model { edits.append(BodyEdit(range: modelRange, replacement: JSONString.quoted(routed))) }
        if stream && askForUsage {
            if let includeUsage {
                if includeUsage.kind != .bool || body.getInteger(at: body.readerIndex + includeUsage.range.lowerBound, as: UInt8.self) != UInt8(ascii: "t") {
                    edits.append(BodyEdit(range: includeUsage.range, replacement: "true"))
                }
            } else if let streamOptions {
                let afterBrace = streamOptions.range.lowerBound + 1
                let empty = streamOptions.range.count == 2 || isBlank(streamOptions.range.dropFirst().dropLast())
                edits.append(BodyEdit(range: afterBrace..<afterBrace, replacement: empty ? "\"include_usage\":true" : "\"include_usage\":true,"))
            } else {
                let afterBrace = firstBraceOffset() + 1
                edits.append(BodyEdit(range: afterBrace..<afterBrace, replacement: "\"stream_options\":{\"include_usage\":true},"))
            }
        }
        return BodyEdit.apply(edits, to: body)
    }

    private func firstBraceOffset() -> Int {
        body.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "{")) ?? 0 }
    }

    private func isBlank(_ range: Range<Int>) -> Bool {
        body.withUnsafeReadableBytes { raw in raw[range].allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) } }
    }
}
