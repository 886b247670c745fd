import NIOCore

/// An Anthropic Messages stream as OpenAI `chat.completion.chunk`s, event by event:
/// `message_start` opens the answer (role chunk), text deltas become `content`, a `tool_use`
/// block becomes a tool call whose `input_json_delta`s are its `arguments`, `message_delta`
/// carries the finish reason, and `message_stop` ends with the usage chunk and `[DONE]`.
/// `ping` and thinking are dropped; an `error` event becomes an OpenAI error event that ends
/// the stream. The usage chunk is always written: the gateway meters it (and cuts it when the
/// client did not ask for it).
struct MessagesStreamToChat: StreamTranslator {
    private var chunks = ChatChunks(model: "")
    /// The usage so far: `message_start`'s, updated by each `message_delta`'s counts.
    private var usage: JSONBody.Object = [:]
    /// The OpenAI tool-call index of each Anthropic content block that is a tool use.
    private var toolIndex: [Int: Int] = [:]
    private var finish: Any = JSONBody.null
    private var stopped = false

    mutating func translate(_ event: SSEEvent, into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        guard let data = JSONBody.object(event.data) else { throw .unreadable }
        switch event.name ?? data["type"] as? String {
        case "message_start":
            let message = data["message"] as? JSONBody.Object ?? [:]
            chunks.id = message["id"] as? String ?? ""
            chunks.model = message["model"] as? String ?? ""
            usage = message["usage"] as? JSONBody.Object ?? [:]
            write(delta: ["role": "assistant", "content": ""], into: &out)
        case "content_block_start":
            guard let block = data["content_block"] as? JSONBody.Object, let index = JSONBody.count(data["index"]) else { return }
            switch block["type"] as? String {
            case "tool_use":
                let call = toolIndex.count
                toolIndex[index] = call
                let function: JSONBody.Object = ["name": block["name"] ?? "", "arguments": ""]
                write(delta: ["tool_calls": [["index": call, "id": block["id"] ?? "", "type": "function", "function": function]]], into: &out)
            case "text":
                if let text = block["text"] as? String, !text.isEmpty { write(delta: ["content": text], into: &out) }
            default: return
            }
        case "content_block_delta":
            guard let delta = data["delta"] as? JSONBody.Object else { return }
            switch delta["type"] as? String {
            case "text_delta": write(delta: ["content": delta["text"] as? String ?? ""], into: &out)
            case "input_json_delta":
                guard let index = JSONBody.count(data["index"]), let call = toolIndex[index] else { return }
                write(delta: ["tool_calls": [["index": call, "function": ["arguments": delta["partial_json"] as? String ?? ""]]]], into: &out)
            default: return  // thinking, signatures, citations
            }
        case "message_delta":
            if let counts = data["usage"] as? JSONBody.Object {
                for (key, value) in counts where !JSONBody.isNull(value) { usage[key] = value }
            }
            if let delta = data["delta"] as? JSONBody.Object, delta["stop_reason"] != nil {
                finish = MessagesResponse.finishReason(delta["stop_reason"])
                write(delta: [:], finish: finish, into: &out)
            }
        case "message_stop":
            stopped = true
            chunks.writeUsage(MessagesResponse.chatUsage(usage), into: &out)
        case "error":
            stopped = true
            let error = data["error"] as? JSONBody.Object ?? [:]
            ChatChunks.writeError(message: error["message"], type: error["type"], code: error["type"], into: &out)
            throw .providerError
        default: return  // ping, and events added later
        }
    }

    func finish(into out: inout ByteBuffer) throws(StreamTranslationError) {
        if !stopped { throw .incomplete }
    }

    private func write(delta: JSONBody.Object, finish: Any = JSONBody.null, into out: inout ByteBuffer) {
        chunks.write(delta: delta, finish: finish, into: &out)
    }
}
