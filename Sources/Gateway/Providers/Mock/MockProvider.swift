import HTTPTypes
import NIOCore
import WireJSON

import class Foundation.JSONSerialization
import struct Foundation.Data

/// The built-in provider behind the demo configuration: deterministic text, realistic `usage`,
/// SSE streaming with a final usage chunk, and a configurable latency. It never leaves the process.
struct MockProvider: Provider {
    /// Delay before the answer starts, and between streamed chunks.
    let latency: Duration

    func send(_ request: UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse {
        guard request.endpoint != .messages else {
            return try await MessagesBridge.send(request) { chat throws(UpstreamFailure) in try await send(chat) }
        }
        let input = MockPrompt(body: request.body)
        if request.stream {
            return UpstreamResponse(status: .ok, contentType: "text/event-stream", body: .stream(stream(input, id: request)))
        }
        if latency > .zero {
            do {
                try await Task.sleep(for: latency)
            } catch {
                throw .cancelled
            }
        }
        let body =
            switch request.endpoint {
            case .embeddings: embeddings(input)
            case .chatCompletions, .messages, .models, .mcp: completion(input, id: request)
            }
        return UpstreamResponse(status: .ok, contentType: "application/json", body: .buffer(ByteBuffer(string: body)))
    }

    private func completion(_ input: MockPrompt, id request: UpstreamRequest) -> String {
        let (words, finish) = input.answerWords()
        return """
            {"id":"chatcmpl-\(request.requestID)","object":"chat.completion","created":\(input.created),\
            "model":\(JSONString.quoted(input.model)),"choices":[{"index":0,"message":{"role":"assistant",\
            "content":\(JSONString.quoted(words.joined(separator: " ")))},"finish_reason":"\(finish)"}],\
            \(usage(prompt: input.promptTokens, completion: words.count))}
            """
    }

    private func stream(_ input: MockPrompt, id request: UpstreamRequest) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let (words, finish) = input.answerWords()
        let head = "{\"id\":\"chatcmpl-\(request.requestID)\",\"object\":\"chat.completion.chunk\",\"created\":\(input.created),\"model\":\(JSONString.quoted(input.model))"
        var events = ["\(head),\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"]
        for (index, word) in words.enumerated() {
            let text = index == 0 ? word : " " + word
            events.append("\(head),\"choices\":[{\"index\":0,\"delta\":{\"content\":\(JSONString.quoted(text))},\"finish_reason\":null}]}")
        }
        events.append("\(head),\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"\(finish)\"}]}")
        if input.includeUsage {
            events.append("\(head),\"choices\":[],\(usage(prompt: input.promptTokens, completion: words.count))}")
        }
        events.append("[DONE]")
        let latency = self.latency
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let producer = Task {
            for event in events {
                do {
                    if latency > .zero { try await Task.sleep(for: latency) }
                } catch {
                    break
                }
                continuation.yield(ByteBuffer(string: "data: \(event)\n\n"))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in producer.cancel() }
        return stream
    }

    private func embeddings(_ input: MockPrompt) -> String {
        let vectors = input.embeddingInputs.enumerated().map { index, text in
            "{\"object\":\"embedding\",\"index\":\(index),\"embedding\":[\(MockPrompt.vector(for: text).map { "\($0)" }.joined(separator: ","))]}"
        }
        return """
            {"object":"list","data":[\(vectors.joined(separator: ","))],"model":\(JSONString.quoted(input.model)),\
            "usage":{"prompt_tokens":\(input.promptTokens),"total_tokens":\(input.promptTokens)}}
            """
    }

    private func usage(prompt: Int, completion: Int) -> String {
        "\"usage\":{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(completion),\"total_tokens\":\(prompt + completion),\"prompt_tokens_details\":{\"cached_tokens\":0}}"
    }
}

/// What the mock reads from a request: the model, the prompt text and the limits.
struct MockPrompt {
    var model = "mock"
    var lastUserText = ""
    var promptTokens = 1
    var maxTokens: Int?
    var includeUsage = false
    var embeddingInputs: [String] = []
    /// A fixed creation time keeps answers byte-for-byte deterministic.
    let created = 1_700_000_000

    init(body: ByteBuffer) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else { return }
        model = object["model"] as? String ?? model
        maxTokens = (object["max_completion_tokens"] ?? object["max_tokens"]) as? Int
        includeUsage = (object["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
        var promptCharacters = 0
        for message in object["messages"] as? [[String: Any]] ?? [] {
            let text = Self.text(of: message["content"])
            promptCharacters += text.count + 12
            if message["role"] as? String == "user" { lastUserText = text }
        }
        if let input = object["input"] as? String {
            embeddingInputs = [input]
        } else if let inputs = object["input"] as? [Any] {
            embeddingInputs = inputs.map { "\($0)" }
        }
        promptCharacters += embeddingInputs.reduce(0) { $0 + $1.count }
        promptTokens = max(1, (promptCharacters + 3) / 4)
    }

    /// The answer's words and finish reason: a fixed sentence echoing the prompt, cut at `max_tokens`.
    func answerWords() -> ([String], String) {
        let echo = lastUserText.split(whereSeparator: \.isWhitespace).prefix(12).joined(separator: " ")
        let sentence = "This is a mock answer from \(model). You said: \(echo.isEmpty ? "nothing" : echo)"
        let words = sentence.split(separator: " ").map(String.init)
        guard let maxTokens, maxTokens < words.count else { return (words, "stop") }
        return (Array(words.prefix(maxTokens)), "length")
    }

    /// A deterministic 8-dimensional unit vector for `text`.
    static func vector(for text: String) -> [Double] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var values: [Double] = []
        for index in 0..<8 {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ UInt64(index)) &* 0x100_0000_01b3
            values.append(Double(hash % 2000) / 1000 - 1)
        }
        let norm = max(values.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-9)
        return values.map { ($0 / norm * 10_000).rounded() / 10_000 }
    }

    private static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        if let parts = content as? [[String: Any]] { return parts.compactMap { $0["text"] as? String }.joined(separator: " ") }
        return ""
    }
}
