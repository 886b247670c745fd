import NIOCore

/// A Gemini `streamGenerateContent?alt=sse` stream as OpenAI chunks: each event's text and
/// function calls become deltas, the finish reason its chunk, and the last `usageMetadata` the
/// usage chunk before `[DONE]` once the stream ends. An error event becomes an OpenAI error
/// event that ends the stream; a stream that ends without a finish reason is incomplete.
struct GeminiStreamToChat: StreamTranslator {
    private var chunks: ChatChunks
    private var started = false
    private var calls = 0
    private var finish: Any = JSONBody.null
    private var usage: JSONBody.Object?
    private var stopped = false

    /// A translator naming `model` (the routed one) in its chunks.
    init(model: String) {
        chunks = ChatChunks(model: model)
    }

    mutating func translate(_ event: SSEEvent, into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        guard let data = JSONBody.object(event.data) else { throw .unreadable }
        if let error = data["error"] as? JSONBody.Object {
            stopped = true
            ChatChunks.writeError(message: error["message"], type: nil, code: error["status"], into: &out)
            throw .providerError
        }
        if !started {
            started = true
            chunks.id = data["responseId"] as? String ?? ""
            chunks.write(delta: ["role": "assistant", "content": ""], into: &out)
        }
        if let metadata = data["usageMetadata"] as? JSONBody.Object { usage = metadata }
        let candidate = (data["candidates"] as? [Any])?.first as? JSONBody.Object
        let (text, newCalls) = GeminiResponse.content(of: candidate, firstCall: calls)
        if !text.isEmpty { chunks.write(delta: ["content": text], into: &out) }
        if !newCalls.isEmpty {
            let indexed = newCalls.enumerated().map { offset, call in call.merging(["index": calls + offset]) { $1 } }
            calls += newCalls.count
            chunks.write(delta: ["tool_calls": indexed], into: &out)
        }
        if candidate == nil, data["promptFeedback"] != nil {
            finish = "content_filter"
        } else if let reason = candidate?["finishReason"] {
            finish = GeminiResponse.finishReason(reason, calledTools: calls > 0)
        }
    }

    mutating func finish(into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        guard started, !JSONBody.isNull(finish) else { throw .incomplete }
        chunks.write(delta: [:], finish: finish, into: &out)
        chunks.writeUsage(GeminiResponse.chatUsage(usage ?? [:]), into: &out)
    }
}
