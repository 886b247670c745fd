import NIOCore
import Testing
import TestSupport
import WireJSON

@testable import Gateway

/// Random documents made of the three APIs' keys and values in every type and nesting, through
/// every translation: none may trap, and whatever they write must read back as JSON.
@Suite("Translations of random documents")
struct TranslationPropertyTests {
    static let keys = [
        "model", "messages", "role", "content", "type", "text", "tool_calls", "function", "name", "arguments", "tool_call_id", "tools",
        "tool_choice", "stop", "max_tokens", "max_completion_tokens", "system", "image_url", "url", "source", "data", "media_type", "usage",
        "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "prompt_tokens", "completion_tokens",
        "prompt_tokens_details", "cached_tokens", "candidates", "parts", "functionCall", "args", "finishReason", "usageMetadata",
        "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount", "thought", "choices", "delta", "index",
        "id", "stream", "n", "parallel_tool_calls", "metadata", "user_id", "input_schema", "parameters", "stop_reason", "finish_reason",
        "content_block", "partial_json", "error", "message", "tool_use_id", "input", "promptFeedback", "temperature",
    ]
    static let strings = [
        "user", "assistant", "system", "tool", "developer", "text", "image_url", "tool_use", "tool_result", "image", "function", "auto",
        "none", "required", "any", "base64", "url", "data:image/png;base64,AA", "https://x/y.png", "{}", "{\"a\":1}", "[1]", "",
        "message_start", "content_block_start", "content_block_delta", "message_delta", "message_stop", "text_delta", "input_json_delta",
        "STOP", "SAFETY", "MAX_TOKENS", "end_turn", "tool_calls", "length", "\u{0}\"\\\u{1F600}",
    ]
    static let numbers = ["0", "1", "2", "-1", "1.5", "1e400", "9223372036854775808", "1000000001", "-0"]

    struct Generator {
        var random: SplitMix64

        mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }

        mutating func value(depth: Int) -> Any {
            switch random.next() % (depth >= 4 ? 5 : 8) {
            case 0: return pick(TranslationPropertyTests.strings)
            case 1: return JSONNumber(text: pick(TranslationPropertyTests.numbers))
            case 2: return random.next() % 2 == 0
            case 3: return JSONNull()
            case 4: return pick(TranslationPropertyTests.strings)
            case 5, 6: return object(depth: depth + 1)
            default: return (0..<Int(random.next() % 4)).map { _ in value(depth: depth + 1) } as [Any]
            }
        }

        mutating func object(depth: Int) -> [String: Any] {
            var object: [String: Any] = [:]
            for _ in 0..<Int(random.next() % 6) { object[pick(TranslationPropertyTests.keys)] = value(depth: depth) }
            return object
        }
    }

    /// Whether `buffer` holds one JSON document the gateway's own reader accepts (wrapped, so any value will do).
    private func readsBack(_ buffer: ByteBuffer) -> Bool {
        var wrapped = ByteBuffer(string: "{\"v\":")
        wrapped.writeImmutableBuffer(buffer)
        wrapped.writeString("}")
        return wrapped.withUnsafeReadableBytes { JSONTree.object($0.bindMemory(to: UInt8.self)) } != nil
    }

    private func stream<T: StreamTranslator>(_ translator: T, _ events: [SSEEvent]) -> ByteBuffer {
        var translator = translator
        var out = ByteBuffer()
        for event in events {
            do throws(StreamTranslationError) { try translator.translate(event, into: &out) } catch { return out }
        }
        do throws(StreamTranslationError) { try translator.finish(into: &out) } catch { return out }
        return out
    }

    @Test("800 random documents through every translation: no trap, and JSON out")
    func randomDocuments() {
        var generator = Generator(random: SplitMix64(seed: 0x5EED))
        for _ in 0..<800 {
            let document = generator.object(depth: 0)
            if let chat = try? MessagesRequest.fromChat(document, defaultMaxTokens: 16) { #expect(readsBack(JSONBody.buffer(chat))) }
            if let chat = try? MessagesRequest.toChat(document) { #expect(readsBack(JSONBody.buffer(chat))) }
            if let gemini = try? GeminiRequest.fromChat(document) { #expect(readsBack(JSONBody.buffer(gemini.body))) }
            #expect(readsBack(JSONBody.buffer(MessagesResponse.toChat(document))))
            #expect(readsBack(JSONBody.buffer(MessagesResponse.fromChat(document))))
            #expect(readsBack(JSONBody.buffer(GeminiResponse.toChat(document, model: "g"))))
            let body = JSONBody.buffer(document)
            #expect(readsBack(AnthropicErrorShape.toOpenAI(body, status: 400)) && readsBack(AnthropicErrorShape.fromOpenAI(body, status: 529)))
            #expect(readsBack(GeminiResponse.errorToOpenAI(body, status: 503)))
            // The same document as a run of stream events, named and unnamed.
            var events: [SSEEvent] = []
            for _ in 0..<Int(generator.random.next() % 6) {
                let data = JSONBody.text(generator.object(depth: 1).merging(["type": generator.pick(Self.strings)]) { $1 })
                events.append(SSEEvent(name: generator.random.next() % 2 == 0 ? nil : generator.pick(Self.strings), data: data))
            }
            events.append(SSEEvent(name: nil, data: JSONBody.text(document)))
            for output in [stream(MessagesStreamToChat(), events), stream(ChatStreamToMessages(model: "m"), events), stream(GeminiStreamToChat(model: "g"), events)] {
                var reader = SSEEventReader()
                for event in (try? reader.feed(output)) ?? [] where event.data != "[DONE]" {
                    #expect(JSONBody.object(event.data) != nil, "\(event.data)")
                }
            }
        }
    }
}
