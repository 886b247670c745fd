/// Whole answers between Anthropic's Messages shape and the OpenAI chat shape, both ways, with
/// usage mapped exactly: OpenAI's `prompt_tokens` counts every prompt token (Anthropic's
/// `input_tokens` plus its cache reads and cache writes), `cached_tokens` the cache reads, and
/// `cache_creation_input_tokens` the cache writes. A count that is not one becomes `null`, which
/// the gateway's metering reads as usage it cannot charge.
enum MessagesResponse {
    /// OpenAI's `finish_reason` for Anthropic's `stop_reason`.
    static func finishReason(_ stopReason: Any?) -> Any {
        switch stopReason as? String {
        case nil: JSONBody.null
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: "stop"  // end_turn, stop_sequence, pause_turn
        }
    }

    /// Anthropic's `stop_reason` for OpenAI's `finish_reason`.
    static func stopReason(_ finishReason: Any?) -> Any {
        switch finishReason as? String {
        case nil: JSONBody.null
        case "length": "max_tokens"
        case "tool_calls", "function_call": "tool_use"
        case "content_filter": "refusal"
        default: "end_turn"
        }
    }

    /// The OpenAI `usage` of an Anthropic `usage` object.
    static func chatUsage(_ usage: JSONBody.Object) -> JSONBody.Object {
        let input = JSONBody.count(usage["input_tokens"])
        let read = JSONBody.optionalCount(usage["cache_read_input_tokens"])
        let written = JSONBody.optionalCount(usage["cache_creation_input_tokens"])
        let output = JSONBody.count(usage["output_tokens"])
        let prompt = JSONBody.sum(input, read, written)
        return [
            "prompt_tokens": JSONBody.written(prompt), "completion_tokens": JSONBody.written(output),
            "total_tokens": JSONBody.written(JSONBody.sum(prompt, output)), "prompt_tokens_details": ["cached_tokens": JSONBody.written(read)],
            "cache_creation_input_tokens": JSONBody.written(written),
        ]
    }

    /// The Anthropic `usage` of an OpenAI `usage` object: input without the cache reads.
    static func messagesUsage(_ usage: JSONBody.Object?) -> JSONBody.Object {
        guard let usage else { return ["input_tokens": 0, "output_tokens": 0] }
        let prompt = JSONBody.count(usage["prompt_tokens"])
        let details = usage["prompt_tokens_details"] as? JSONBody.Object
        let read = JSONBody.optionalCount(details?["cached_tokens"])
        let written = JSONBody.optionalCount(usage["cache_creation_input_tokens"])
        var input: Int?
        if let prompt, let read, let written, read <= prompt, written <= prompt - read { input = prompt - read - written }
        return [
            "input_tokens": JSONBody.written(input), "output_tokens": JSONBody.written(JSONBody.count(usage["completion_tokens"])),
            "cache_read_input_tokens": JSONBody.written(read), "cache_creation_input_tokens": JSONBody.written(written),
        ]
    }

    /// The OpenAI chat completion of a Messages answer.
    static func toChat(_ answer: JSONBody.Object) -> JSONBody.Object {
        var text = ""
        var calls: [JSONBody.Object] = []
        for item in answer["content"] as? [Any] ?? [] {
            guard let block = item as? JSONBody.Object else { continue }
            switch block["type"] as? String {
            case "text": text += block["text"] as? String ?? ""
            case "tool_use":
                calls.append([
                    "id": block["id"] ?? "", "type": "function",
                    "function": ["name": block["name"] ?? "", "arguments": JSONBody.text(block["input"] ?? [:])],
                ])
            default: continue  // thinking has no place in a chat message
            }
        }
        var message: JSONBody.Object = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? JSONBody.null : text]
        if !calls.isEmpty { message["tool_calls"] = calls }
        var completion: JSONBody.Object = [
            "id": answer["id"] ?? "", "object": "chat.completion", "created": JSONBody.unixSeconds(), "model": answer["model"] ?? "",
            "choices": [["index": 0, "message": message, "finish_reason": finishReason(answer["stop_reason"])]],
        ]
        if let usage = answer["usage"] as? JSONBody.Object { completion["usage"] = chatUsage(usage) }
        return completion
    }

    /// The Messages answer of an OpenAI chat completion (its first choice).
    static func fromChat(_ completion: JSONBody.Object) -> JSONBody.Object {
        let choice = (completion["choices"] as? [Any])?.first as? JSONBody.Object
        let message = choice?["message"] as? JSONBody.Object ?? [:]
        var content: [JSONBody.Object] = []
        if let text = message["content"] as? String, !text.isEmpty { content.append(["type": "text", "text": text]) }
        for item in message["tool_calls"] as? [Any] ?? [] {
            guard let call = item as? JSONBody.Object, let function = call["function"] as? JSONBody.Object else { continue }
            let arguments = function["arguments"] as? String ?? "{}"
            content.append([
                "type": "tool_use", "id": call["id"] ?? "", "name": function["name"] ?? "",
                "input": JSONBody.object(arguments.isEmpty ? "{}" : arguments) ?? [:],
            ])
        }
        return [
            "id": messageID(completion["id"]), "type": "message", "role": "assistant", "model": completion["model"] ?? "", "content": content,
            "stop_reason": stopReason(choice?["finish_reason"]), "stop_sequence": JSONBody.null,
            "usage": messagesUsage(completion["usage"] as? JSONBody.Object),
        ]
    }

    /// A Messages id for an OpenAI id.
    static func messageID(_ id: Any?) -> String {
        let text = id as? String ?? ""
        return text.hasPrefix("msg_") ? text : "msg_" + text
    }
}
