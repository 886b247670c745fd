import NIOCore

/// A Gemini `generateContent` answer as an OpenAI chat completion: the first candidate's text
/// (thoughts left out) and function calls, its finish reason, and usage from `usageMetadata`:
/// `prompt_tokens` = prompt (cached content included) + tool-use prompt, `cached_tokens` = cached
/// content, `completion_tokens` = candidates + thoughts (thoughts are billed as output, and also
/// shown as `reasoning_tokens`). A pure function.
enum GeminiResponse {
    /// The finish reasons that mean the answer was withheld or cut by a safety filter.
    static let filtered: Set<String> = ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"]

    /// OpenAI's `finish_reason` for a Gemini `finishReason`; `calledTools` when the answer holds function calls.
    static func finishReason(_ reason: Any?, calledTools: Bool) -> Any {
        guard let reason = reason as? String else { return JSONBody.null }
        if filtered.contains(reason) { return "content_filter" }
        if reason == "MAX_TOKENS" { return "length" }
        return calledTools ? "tool_calls" : "stop"
    }

    /// The OpenAI `usage` of a `usageMetadata` object.
    static func chatUsage(_ metadata: JSONBody.Object) -> JSONBody.Object {
        func count(_ key: String) -> Int? { JSONBody.optionalCount(metadata[key]) }
        let prompt = JSONBody.sum(count("promptTokenCount"), count("toolUsePromptTokenCount"))
        let thoughts = count("thoughtsTokenCount")
        let completion = JSONBody.sum(count("candidatesTokenCount"), thoughts)
        var cached = count("cachedContentTokenCount")
        if let value = cached, let prompt, value > prompt { cached = nil }
        return [
            "prompt_tokens": JSONBody.written(prompt), "completion_tokens": JSONBody.written(completion),
            "total_tokens": JSONBody.written(JSONBody.sum(prompt, completion)), "prompt_tokens_details": ["cached_tokens": JSONBody.written(cached)],
            "completion_tokens_details": ["reasoning_tokens": JSONBody.written(thoughts)],
        ]
    }

    /// The text and function calls of a candidate's parts; call ids are numbered from `firstCall`.
    static func content(of candidate: JSONBody.Object?, firstCall: Int = 0) -> (text: String, calls: [JSONBody.Object]) {
        var text = ""
        var calls: [JSONBody.Object] = []
        for item in (candidate?["content"] as? JSONBody.Object)?["parts"] as? [Any] ?? [] {
            guard let part = item as? JSONBody.Object, part["thought"] as? Bool != true else { continue }
            if let piece = part["text"] as? String { text += piece }
            if let call = part["functionCall"] as? JSONBody.Object {
                let id = call["id"] as? String ?? "call_\(firstCall + calls.count)"
                calls.append(["id": id, "type": "function", "function": ["name": call["name"] ?? "", "arguments": JSONBody.text(call["args"] ?? [:])]])
            }
        }
        return (text, calls)
    }

    /// The OpenAI chat completion of a Gemini answer; `model` is the routed model.
    static func toChat(_ answer: JSONBody.Object, model: String) -> JSONBody.Object {
        let candidate = (answer["candidates"] as? [Any])?.first as? JSONBody.Object
        let (text, calls) = content(of: candidate)
        var message: JSONBody.Object = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? JSONBody.null : text]
        if !calls.isEmpty { message["tool_calls"] = calls }
        // No candidate at all: the prompt itself was blocked.
        let finish = candidate == nil ? "content_filter" : finishReason(candidate?["finishReason"] ?? "STOP", calledTools: !calls.isEmpty)
        var completion: JSONBody.Object = [
            "id": answer["responseId"] as? String ?? "", "object": "chat.completion", "created": JSONBody.unixSeconds(),
            "model": answer["modelVersion"] as? String ?? model, "choices": [["index": 0, "message": message, "finish_reason": finish]],
        ]
        if let metadata = answer["usageMetadata"] as? JSONBody.Object { completion["usage"] = chatUsage(metadata) }
        return completion
    }

    /// A Gemini error body (`{"error":{"code","message","status"}}`) as an OpenAI one.
    static func errorToOpenAI(_ body: ByteBuffer, status: Int) -> ByteBuffer {
        let error = JSONBody.object(body)?["error"] as? JSONBody.Object ?? [:]
        return AnthropicErrorShape.openAIBody(message: error["message"] as? String, code: error["status"] as? String, status: status)
    }
}
