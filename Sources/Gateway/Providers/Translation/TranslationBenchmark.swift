import NIOCore
import WireJSON

/// One translation each way between the OpenAI chat shape and Anthropic's and Gemini's, on a
/// typical request, answer and stream, for the microbenchmarks; and the plain OpenAI route's
/// own body edit as their baseline.
@_spi(Benchmarks)
public struct TranslationBenchmark: Sendable {
    private let chatRequest = ByteBuffer(
        string: #"{"model":"claude-sonnet-4-5","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Write one sentence about foxes and dogs, please."}],"max_tokens":64,"temperature":0.2}"#
    )
    private let messagesRequest = ByteBuffer(
        string: #"{"model":"claude-sonnet-4-5","max_tokens":64,"temperature":0.2,"system":"You are a helpful assistant.","messages":[{"role":"user","content":"Write one sentence about foxes and dogs, please."}]}"#
    )
    private let messagesAnswer = ByteBuffer(
        string: #"{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"The quick brown fox jumps over the lazy dog."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":21,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}"#
    )
    private let chatAnswer = ByteBuffer(
        string: #"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":0}}}"#
    )
    private let geminiAnswer = ByteBuffer(
        string: #"{"candidates":[{"content":{"parts":[{"text":"The quick brown fox jumps over the lazy dog."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":21,"candidatesTokenCount":10,"totalTokenCount":31},"modelVersion":"gemini-2.5-flash"}"#
    )
    /// A Messages stream of ten text deltas.
    private let messagesStream: ByteBuffer = {
        var events = [
            SSEEvent(name: "message_start", data: #"{"type":"message_start","message":{"id":"msg_b","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":21,"output_tokens":1}}}"#),
            SSEEvent(name: "content_block_start", data: #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ]
        for word in "The quick brown fox jumps over the lazy dog .".split(separator: " ") {
            events.append(SSEEvent(name: "content_block_delta", data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" \#(word)"}}"#))
        }
        events += [
            SSEEvent(name: "content_block_stop", data: #"{"type":"content_block_stop","index":0}"#),
            SSEEvent(name: "message_delta", data: #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":10}}"#),
            SSEEvent(name: "message_stop", data: #"{"type":"message_stop"}"#),
        ]
        return ByteBuffer(string: events.map(\.wire).joined())
    }()

    /// The benchmark's inputs.
    public init() {}

    /// The plain OpenAI route's work on the request body: read the gates' fields, rename the model.
    public func openAIBodyEdit() -> Int {
        let payload = try? RequestPayload.parse(chatRequest, for: .chatCompletions)
        return payload?.upstreamBody(model: "gpt-4o-mini", askForUsage: true).readableBytes ?? -1
    }

    /// An OpenAI chat request to a Messages request, bytes to bytes.
    public func chatToMessagesRequest() -> Int {
        guard let object = JSONBody.object(chatRequest), let translated = try? MessagesRequest.fromChat(object, defaultMaxTokens: 4096) else { return -1 }
        return JSONBody.buffer(translated).readableBytes
    }

    /// A Messages request to an OpenAI chat request (the `/v1/messages` front door to an OpenAI provider).
    public func messagesToChatRequest() -> Int {
        guard let object = JSONBody.object(messagesRequest), let translated = try? MessagesRequest.toChat(object) else { return -1 }
        return JSONBody.buffer(translated).readableBytes
    }

    /// An OpenAI chat request to a Gemini request.
    public func chatToGeminiRequest() -> Int {
        guard let object = JSONBody.object(chatRequest), let translated = try? GeminiRequest.fromChat(object) else { return -1 }
        return JSONBody.buffer(translated.body).readableBytes
    }

    /// A Messages answer to a chat completion.
    public func messagesToChatAnswer() -> Int {
        JSONBody.object(messagesAnswer).map { JSONBody.buffer(MessagesResponse.toChat($0)).readableBytes } ?? -1
    }

    /// A chat completion to a Messages answer.
    public func chatToMessagesAnswer() -> Int {
        JSONBody.object(chatAnswer).map { JSONBody.buffer(MessagesResponse.fromChat($0)).readableBytes } ?? -1
    }

    /// A Gemini answer to a chat completion.
    public func geminiToChatAnswer() -> Int {
        JSONBody.object(geminiAnswer).map { JSONBody.buffer(GeminiResponse.toChat($0, model: "gemini-2.5-flash")).readableBytes } ?? -1
    }

    /// A Messages stream of ten text deltas to chat chunks, as one chunk.
    public func messagesStreamToChat() -> Int {
        var reader = SSEEventReader()
        var translator = MessagesStreamToChat()
        var out = ByteBuffer()
        do {
            for event in try reader.feed(messagesStream) { try translator.translate(event, into: &out) }
            try translator.finish(into: &out)
        } catch {
            return -1
        }
        return out.readableBytes
    }
}
