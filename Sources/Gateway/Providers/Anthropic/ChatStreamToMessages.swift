import NIOCore

/// An OpenAI chat stream as Anthropic Messages events: `message_start` at the first chunk, a
/// text block for `content`, a `tool_use` block per tool call (its `arguments` as
/// `input_json_delta`s), each block stopped before the next starts, and at the end
/// `message_delta` with the stop reason and the whole usage (cumulative, as Anthropic sends it),
/// then `message_stop`. An OpenAI error event becomes an `error` event that ends the stream.
struct ChatStreamToMessages: StreamTranslator {
    /// The model the client asked for, shown until the provider names its own.
    let model: String
    private var started = false
    private var stopped = false
    /// The open content block: its index and whether it is text (else a tool use).
    private var open: (index: Int, isText: Bool)?
    private var nextIndex = 0
    /// The OpenAI tool-call index of the open tool-use block.
    private var openCall: Int?
    private var stopReason: Any = JSONBody.null
    private var usage: JSONBody.Object?

    init(model: String) {
        self.model = model
    }

    mutating func translate(_ event: SSEEvent, into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        if event.data == "[DONE]" {
            end(into: &out)
            return
        }
        guard let chunk = JSONBody.object(event.data) else { throw .unreadable }
        if let error = chunk["error"] as? JSONBody.Object {
            stopped = true
            let body: JSONBody.Object = [
                "type": "error",
                "error": ["type": AnthropicErrorShape.type(ofOpenAI: error["type"] as? String), "message": error["message"] ?? "The provider reported an error."],
            ]
            write("error", body, into: &out)
            throw .providerError
        }
        start(chunk, into: &out)
        if let counts = chunk["usage"] as? JSONBody.Object { usage = counts }
        guard let choice = (chunk["choices"] as? [Any])?.first as? JSONBody.Object else { return }
        let delta = choice["delta"] as? JSONBody.Object ?? [:]
        if let text = delta["content"] as? String, !text.isEmpty {
            if open?.isText != true { openBlock(["type": "text", "text": ""], isText: true, into: &out) }
            write("content_block_delta", ["type": "content_block_delta", "index": open!.index, "delta": ["type": "text_delta", "text": text]], into: &out)
        }
        for item in delta["tool_calls"] as? [Any] ?? [] {
            guard let call = item as? JSONBody.Object else { continue }
            let callIndex = JSONBody.count(call["index"]) ?? 0
            let function = call["function"] as? JSONBody.Object ?? [:]
            if openCall != callIndex || open?.isText != false {
                openBlock(["type": "tool_use", "id": call["id"] ?? "", "name": function["name"] ?? "", "input": [String: Any]()], isText: false, into: &out)
                openCall = callIndex
            }
            if let arguments = function["arguments"] as? String, !arguments.isEmpty {
                write(
                    "content_block_delta", ["type": "content_block_delta", "index": open!.index, "delta": ["type": "input_json_delta", "partial_json": arguments]],
                    into: &out)
            }
        }
        if let reason = choice["finish_reason"], !JSONBody.isNull(reason) { stopReason = MessagesResponse.stopReason(reason) }
    }

    mutating func finish(into out: inout ByteBuffer) throws(StreamTranslationError) {
        guard !stopped else { return }
        // OpenAI-compatible servers that omit `[DONE]` end the stream after the usage chunk.
        guard started, !JSONBody.isNull(stopReason) else { throw .incomplete }
        end(into: &out)
    }

    private mutating func start(_ chunk: JSONBody.Object, into out: inout ByteBuffer) {
        guard !started else { return }
        started = true
        let message: JSONBody.Object = [
            "id": MessagesResponse.messageID(chunk["id"]), "type": "message", "role": "assistant", "model": chunk["model"] as? String ?? model,
            "content": [Any](), "stop_reason": JSONBody.null, "stop_sequence": JSONBody.null, "usage": ["input_tokens": 0, "output_tokens": 0],
        ]
        write("message_start", ["type": "message_start", "message": message], into: &out)
    }

    private mutating func openBlock(_ block: JSONBody.Object, isText: Bool, into out: inout ByteBuffer) {
        closeBlock(into: &out)
        open = (nextIndex, isText)
        write("content_block_start", ["type": "content_block_start", "index": nextIndex, "content_block": block], into: &out)
        nextIndex += 1
    }

    private mutating func closeBlock(into out: inout ByteBuffer) {
        guard let block = open else { return }
        write("content_block_stop", ["type": "content_block_stop", "index": block.index], into: &out)
        open = nil
        openCall = nil
    }

    private mutating func end(into out: inout ByteBuffer) {
        start([:], into: &out)
        closeBlock(into: &out)
        stopped = true
        write(
            "message_delta",
            ["type": "message_delta", "delta": ["stop_reason": stopReason, "stop_sequence": JSONBody.null], "usage": MessagesResponse.messagesUsage(usage)],
            into: &out)
        write("message_stop", ["type": "message_stop"], into: &out)
    }

    private func write(_ name: String, _ data: JSONBody.Object, into out: inout ByteBuffer) {
        out.writeString(SSEEvent(name: name, data: JSONBody.text(data)).wire)
    }
}
