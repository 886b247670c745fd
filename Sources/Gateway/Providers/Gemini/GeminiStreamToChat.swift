import NIOCore

/// A Gemini `streamGenerateContent?alt=sse` stream as OpenAI chunks: each event's text and
/// function calls become deltas, the finish reason its chunk, and the last `usageMetadata` the
/// usage chunk before `[DONE]` once the stream ends. An error event becomes an OpenAI error
/// event that ends the stream; a stream that ends without a finish reason is incomplete.
struct GeminiStreamToChat: StreamTranslator {
    /// The routed model, shown until the provider names its own.
    let model: String
    private var id = ""
    private var started = false
    private var calls = 0
    private var finish: Any = JSONBody.null
    private var usage: JSONBody.Object?
    private var stopped = false
    private let created = JSONBody.unixSeconds()

    init(model: String) {
        self.model = model
    }

    mutating func translate(_ event: SSEEvent, into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        guard let data = JSONBody.object(event.data) else { throw .unreadable }
        if let error = data["error"] as? JSONBody.Object {
            stopped = true
            let body: JSONBody.Object = [
                "error": ["message": error["message"] ?? "The provider reported an error.", "type": "api_error", "param": JSONBody.null, "code": error["status"] ?? JSONBody.null]
            ]
            out.writeString("data: \(JSONBody.text(body))\n\n")
            throw .providerError
        }
        if !started {
            started = true
            id = data["responseId"] as? String ?? ""
            write(delta: ["role": "assistant", "content": ""], into: &out)
        }
        if let metadata = data["usageMetadata"] as? JSONBody.Object { usage = metadata }
        let candidate = (data["candidates"] as? [Any])?.first as? JSONBody.Object
        let (text, newCalls) = GeminiResponse.content(of: candidate, firstCall: calls)
        if !text.isEmpty { write(delta: ["content": text], into: &out) }
        if !newCalls.isEmpty {
            let indexed = newCalls.enumerated().map { offset, call in call.merging(["index": calls + offset]) { $1 } }
            calls += newCalls.count
            write(delta: ["tool_calls": indexed], into: &out)
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
        write(delta: [:], finish: finish, into: &out)
        var chunk = head()
        chunk["choices"] = [Any]()
        chunk["usage"] = GeminiResponse.chatUsage(usage ?? [:])
        out.writeString("data: \(JSONBody.text(chunk))\n\ndata: [DONE]\n\n")
    }

    private func head() -> JSONBody.Object {
        ["id": id, "object": "chat.completion.chunk", "created": created, "model": model]
    }

    private func write(delta: JSONBody.Object, finish: Any = JSONBody.null, into out: inout ByteBuffer) {
        var chunk = head()
        chunk["choices"] = [["index": 0, "delta": delta, "finish_reason": finish]]
        out.writeString("data: \(JSONBody.text(chunk))\n\n")
    }
}
