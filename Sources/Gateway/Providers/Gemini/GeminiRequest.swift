/// An OpenAI chat request as a Gemini `generateContent` request: system messages to
/// `systemInstruction`, turns to `contents` (assistant as `model`, tool results as
/// `functionResponse` parts naming the function the call named), images as inline data, the
/// sampling settings to `generationConfig`, tools to `functionDeclarations`. A pure function.
enum GeminiRequest {
    /// The model to call and the request body.
    static func fromChat(_ chat: JSONBody.Object) throws(TranslationError) -> (model: String, body: JSONBody.Object) {
        if let n = chat["n"], !JSONBody.isNull(n), JSONBody.count(n) != 1 {
            throw TranslationError("'n' must be 1: this provider answers one choice per request.", param: "n")
        }
        var system: [JSONBody.Object] = []
        var contents: [JSONBody.Object] = []
        var functionNames: [String: String] = [:]
        for (index, item) in (chat["messages"] as? [Any] ?? []).enumerated() {
            let param = "messages[\(index)]"
            guard let message = item as? JSONBody.Object else { throw TranslationError("\(param) must be an object.", param: param) }
            let role = message["role"] as? String ?? ""
            switch role {
            case "system", "developer":
                system += try parts(message["content"], param: "\(param).content", images: false)
            case "user":
                append(role: "user", try parts(message["content"], param: "\(param).content", images: true), to: &contents)
            case "assistant":
                var turn = try parts(message["content"], param: "\(param).content", images: false)
                for call in try ChatToolCall.calls(of: message, param: param) {
                    if let id = call.id { functionNames[id] = call.name }
                    turn.append(["functionCall": ["name": call.name, "args": call.arguments]])
                }
                append(role: "model", turn, to: &contents)
            case "tool":
                guard let id = message["tool_call_id"] as? String, let name = functionNames[id] else {
                    throw TranslationError(
                        "\(param) answers a tool call no earlier assistant message made; Gemini needs the function's name.", param: "\(param).tool_call_id")
                }
                let text = try parts(message["content"], param: "\(param).content", images: false).compactMap { $0["text"] as? String }.joined()
                let response: JSONBody.Object = JSONBody.object(text) ?? ["content": text]
                append(role: "user", [["functionResponse": ["name": name, "response": response]]], to: &contents)
            default:
                throw TranslationError(
                    "\(param) has role '\(role)'; this provider takes system, developer, user, assistant and tool.", param: "\(param).role")
            }
        }
        var body: JSONBody.Object = ["contents": contents]
        if !system.isEmpty { body["systemInstruction"] = ["parts": system] }
        var config: JSONBody.Object = [:]
        for (from, to) in [("temperature", "temperature"), ("top_p", "topP"), ("seed", "seed"), ("presence_penalty", "presencePenalty"), ("frequency_penalty", "frequencyPenalty")] {
            if let value = chat[from], !JSONBody.isNull(value) { config[to] = value }
        }
        if let limit = chat["max_completion_tokens"] ?? chat["max_tokens"], !JSONBody.isNull(limit) { config["maxOutputTokens"] = limit }
        if let stop = chat["stop"] {
            if let one = stop as? String { config["stopSequences"] = [one] } else if let many = stop as? [Any] { config["stopSequences"] = many }
        }
        if (chat["response_format"] as? JSONBody.Object)?["type"] as? String == "json_object" { config["responseMimeType"] = "application/json" }
        if !config.isEmpty { body["generationConfig"] = config }
        if let tools = chat["tools"] as? [Any], !tools.isEmpty {
            let declarations = try tools.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
                guard let tool = item as? JSONBody.Object, tool["type"] as? String ?? "function" == "function",
                    let function = tool["function"] as? JSONBody.Object, let name = function["name"] as? String
                else { throw TranslationError("tools[\(index)] must be a function with a name.", param: "tools[\(index)]") }
                var declaration: JSONBody.Object = ["name": name]
                if let description = function["description"] { declaration["description"] = description }
                if let parameters = function["parameters"] as? JSONBody.Object { declaration["parameters"] = schema(parameters) }
                return declaration
            }
            body["tools"] = [["functionDeclarations": declarations]]
        }
        if let choice = try toolConfig(chat["tool_choice"]) { body["toolConfig"] = ["functionCallingConfig": choice] }
        return (chat["model"] as? String ?? "", body)
    }

    /// A JSON Schema without the keywords Gemini's schema subset refuses.
    static func schema(_ value: JSONBody.Object, depth: Int = 0) -> JSONBody.Object {
        var out: JSONBody.Object = [:]
        for (key, item) in value where !["additionalProperties", "$schema", "strict", "$id"].contains(key) {
            if depth < 32, let object = item as? JSONBody.Object {
                out[key] = key == "properties" ? object.mapValues { ($0 as? JSONBody.Object).map { schema($0, depth: depth + 1) } ?? $0 } : schema(object, depth: depth + 1)
            } else if depth < 32, let array = item as? [Any] {
                out[key] = array.map { ($0 as? JSONBody.Object).map { schema($0, depth: depth + 1) } ?? $0 }
            } else {
                out[key] = item
            }
        }
        return out
    }

    private static func append(role: String, _ parts: [JSONBody.Object], to contents: inout [JSONBody.Object]) {
        if let last = contents.last, last["role"] as? String == role, let previous = last["parts"] as? [JSONBody.Object] {
            contents[contents.count - 1]["parts"] = previous + parts
        } else if !parts.isEmpty {
            contents.append(["role": role, "parts": parts])
        }
    }

    /// Gemini parts of an OpenAI `content`: text, and (from users) images given as `data:` URLs.
    private static func parts(_ content: Any?, param: String, images: Bool) throws(TranslationError) -> [JSONBody.Object] {
        if let text = content as? String { return text.isEmpty ? [] : [["text": text]] }
        if content == nil || JSONBody.isNull(content) { return [] }
        guard let items = content as? [Any] else { throw TranslationError("\(param) must be a string or an array of parts.", param: param) }
        return try items.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
            let partParam = "\(param)[\(index)]"
            guard let part = item as? JSONBody.Object else { throw TranslationError("\(partParam) must be an object.", param: partParam) }
            switch part["type"] as? String {
            case "text": return ["text": part["text"] as? String ?? ""]
            case "image_url" where images:
                let url = (part["image_url"] as? JSONBody.Object)?["url"] as? String ?? ""
                let source = try MessagesRequest.imageSource(url, param: partParam)
                guard source["type"] as? String == "base64" else {
                    throw TranslationError("\(partParam): this provider takes images as data: URLs (data:image/png;base64,...).", param: partParam)
                }
                return ["inlineData": ["mimeType": source["media_type"] ?? "", "data": source["data"] ?? ""]]
            default:
                throw TranslationError("\(partParam) is a '\(part["type"] as? String ?? "?")' part, which this provider does not take here.", param: partParam)
            }
        }
    }

    /// Gemini's function-calling mode for OpenAI's `tool_choice`.
    private static func toolConfig(_ value: Any?) throws(TranslationError) -> JSONBody.Object? {
        switch try ChatToolChoice.parse(value) {
        case nil: nil
        case .auto: ["mode": "AUTO"]
        case .disabled: ["mode": "NONE"]
        case .required: ["mode": "ANY"]
        case .function(let name): ["mode": "ANY", "allowedFunctionNames": [name]]
        }
    }
}
