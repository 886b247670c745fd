/// Requests between the OpenAI chat shape and Anthropic's Messages shape, both ways: to an
/// `anthropic` provider from `/v1/chat/completions`, and from `/v1/messages` to a provider that
/// speaks OpenAI. Pure functions over parsed JSON; what one side has no place for is refused
/// (``TranslationError``) or, for sampling hints the other side lacks, left out.
enum MessagesRequest {
    /// The Messages request for an OpenAI chat request (already carrying the routed model).
    static func fromChat(_ chat: JSONBody.Object, defaultMaxTokens: Int) throws(TranslationError) -> JSONBody.Object {
        if let n = chat["n"], !JSONBody.isNull(n), JSONBody.count(n) != 1 {
            throw TranslationError("'n' must be 1: this provider answers one choice per request.", param: "n")
        }
        var out: JSONBody.Object = ["model": chat["model"] ?? ""]
        var system: [JSONBody.Object] = []
        var messages: [JSONBody.Object] = []
        let input = chat["messages"] as? [Any] ?? []
        for (index, item) in input.enumerated() {
            guard let message = item as? JSONBody.Object else { throw TranslationError("messages[\(index)] must be an object.", param: "messages") }
            let role = message["role"] as? String ?? ""
            switch role {
            case "system", "developer":
                system += try textBlocks(message["content"], param: "messages[\(index)].content")
            case "user":
                append(role: "user", try userBlocks(message["content"], param: "messages[\(index)].content"), to: &messages)
            case "assistant":
                var blocks = try textBlocks(message["content"], param: "messages[\(index)].content", allowsNull: true)
                for (callIndex, call) in try ChatToolCall.calls(of: message, param: "messages[\(index)]").enumerated() {
                    blocks.append(["type": "tool_use", "id": call.id ?? "call_\(index)_\(callIndex)", "name": call.name, "input": call.arguments])
                }
                append(role: "assistant", blocks, to: &messages)
            case "tool":
                guard let id = message["tool_call_id"] as? String else {
                    throw TranslationError("messages[\(index)] of role tool needs a tool_call_id.", param: "messages[\(index)].tool_call_id")
                }
                let content = try textBlocks(message["content"], param: "messages[\(index)].content", allowsNull: true)
                append(role: "user", [["type": "tool_result", "tool_use_id": id, "content": content]], to: &messages)
            default:
                throw TranslationError(
                    "messages[\(index)] has role '\(role)'; this provider takes system, developer, user, assistant and tool.",
                    param: "messages[\(index)].role")
            }
        }
        if !system.isEmpty { out["system"] = system }
        out["messages"] = messages
        out["max_tokens"] = chat["max_completion_tokens"] ?? chat["max_tokens"] ?? defaultMaxTokens
        if let stop = chat["stop"] {
            if let one = stop as? String { out["stop_sequences"] = [one] } else if let many = stop as? [Any] { out["stop_sequences"] = many }
        }
        for key in ["temperature", "top_p", "stream"] { if let value = chat[key], !JSONBody.isNull(value) { out[key] = value } }
        if let tools = chat["tools"] as? [Any], !tools.isEmpty {
            out["tools"] = try tools.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
                guard let tool = item as? JSONBody.Object, tool["type"] as? String ?? "function" == "function",
                    let function = tool["function"] as? JSONBody.Object, let name = function["name"] as? String
                else { throw TranslationError("tools[\(index)] must be a function with a name.", param: "tools[\(index)]") }
                var translated: JSONBody.Object = ["name": name, "input_schema": function["parameters"] ?? ["type": "object", "properties": [:]]]
                if let description = function["description"] { translated["description"] = description }
                return translated
            }
        }
        if var choice = try toolChoice(chat["tool_choice"]) {
            if chat["parallel_tool_calls"] as? Bool == false, choice["type"] as? String != "none" { choice["disable_parallel_tool_use"] = true }
            out["tool_choice"] = choice
        }
        if let user = chat["user"] as? String { out["metadata"] = ["user_id": user] }
        return out
    }

    /// The OpenAI chat request for a Messages request (already carrying the routed model).
    static func toChat(_ request: JSONBody.Object) throws(TranslationError) -> JSONBody.Object {
        var out: JSONBody.Object = ["model": request["model"] ?? ""]
        var messages: [JSONBody.Object] = []
        if let system = request["system"], !JSONBody.isNull(system) {
            messages.append(["role": "system", "content": try joinedText(system, param: "system")])
        }
        for (index, item) in (request["messages"] as? [Any] ?? []).enumerated() {
            let param = "messages[\(index)]"
            guard let message = item as? JSONBody.Object else { throw TranslationError("\(param) must be an object.", param: param) }
            let role = message["role"] as? String ?? ""
            let blocks: [Any]
            if let text = message["content"] as? String {
                blocks = [["type": "text", "text": text]]
            } else if let array = message["content"] as? [Any] {
                blocks = array
            } else {
                throw TranslationError("\(param).content must be a string or an array of blocks.", param: "\(param).content")
            }
            switch role {
            case "user":
                var parts: [JSONBody.Object] = []
                for (blockIndex, item) in blocks.enumerated() {
                    let blockParam = "\(param).content[\(blockIndex)]"
                    guard let block = item as? JSONBody.Object else { throw TranslationError("\(blockParam) must be an object.", param: blockParam) }
                    switch block["type"] as? String {
                    case "text": parts.append(["type": "text", "text": block["text"] as? String ?? ""])
                    case "image": parts.append(["type": "image_url", "image_url": ["url": try imageURL(block, param: blockParam)]])
                    case "tool_result":
                        guard let id = block["tool_use_id"] as? String else {
                            throw TranslationError("\(blockParam) needs a tool_use_id.", param: blockParam)
                        }
                        var content = ""
                        if let value = block["content"] { content = try joinedText(value, param: "\(blockParam).content") }
                        messages.append(["role": "tool", "tool_call_id": id, "content": content])
                    default:
                        throw TranslationError(
                            "\(blockParam) is a '\(block["type"] as? String ?? "?")' block; this provider takes text, image and tool_result blocks from users.",
                            param: blockParam)
                    }
                }
                if !parts.isEmpty { messages.append(["role": "user", "content": parts]) }
            case "assistant":
                var text = ""
                var calls: [JSONBody.Object] = []
                for (blockIndex, item) in blocks.enumerated() {
                    let blockParam = "\(param).content[\(blockIndex)]"
                    guard let block = item as? JSONBody.Object else { throw TranslationError("\(blockParam) must be an object.", param: blockParam) }
                    switch block["type"] as? String {
                    case "text": text += block["text"] as? String ?? ""
                    case "tool_use":
                        guard let id = block["id"] as? String, let name = block["name"] as? String else {
                            throw TranslationError("\(blockParam) needs an id and a name.", param: blockParam)
                        }
                        calls.append(["id": id, "type": "function", "function": ["name": name, "arguments": JSONBody.text(block["input"] ?? [:])]])
                    case "thinking", "redacted_thinking": continue  // the other provider cannot read them back
                    default:
                        throw TranslationError(
                            "\(blockParam) is a '\(block["type"] as? String ?? "?")' block; this provider takes text and tool_use blocks from the assistant.",
                            param: blockParam)
                    }
                }
                var message: JSONBody.Object = ["role": "assistant", "content": calls.isEmpty || !text.isEmpty ? text : JSONBody.null]
                if !calls.isEmpty { message["tool_calls"] = calls }
                messages.append(message)
            default:
                throw TranslationError("\(param) has role '\(role)'; the Messages API takes user and assistant.", param: "\(param).role")
            }
        }
        out["messages"] = messages
        out["max_tokens"] = request["max_tokens"]
        if let stops = request["stop_sequences"] as? [Any], !stops.isEmpty { out["stop"] = stops }
        for key in ["temperature", "top_p"] { if let value = request[key], !JSONBody.isNull(value) { out[key] = value } }
        if request["stream"] as? Bool == true {
            out["stream"] = true
            out["stream_options"] = ["include_usage": true]
        }
        if let tools = request["tools"] as? [Any], !tools.isEmpty {
            out["tools"] = try tools.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
                guard let tool = item as? JSONBody.Object, let name = tool["name"] as? String, tool["input_schema"] != nil else {
                    throw TranslationError(
                        "tools[\(index)] must be a custom tool with a name and an input_schema; this provider has no server tools.", param: "tools[\(index)]")
                }
                var function: JSONBody.Object = ["name": name, "parameters": tool["input_schema"]!]
                if let description = tool["description"] { function["description"] = description }
                return ["type": "function", "function": function]
            }
        }
        if let choice = request["tool_choice"] as? JSONBody.Object {
            switch choice["type"] as? String {
            case "auto": out["tool_choice"] = "auto"
            case "any": out["tool_choice"] = "required"
            case "none": out["tool_choice"] = "none"
            case "tool": out["tool_choice"] = ["type": "function", "function": ["name": choice["name"] ?? ""]]
            default: throw TranslationError("tool_choice.type must be auto, any, tool or none.", param: "tool_choice")
            }
            if choice["disable_parallel_tool_use"] as? Bool == true { out["parallel_tool_calls"] = false }
        }
        if let user = (request["metadata"] as? JSONBody.Object)?["user_id"] as? String { out["user"] = user }
        return out
    }

    /// Adds a turn, merged into the previous one of the same role (tool results after a user's text).
    private static func append(role: String, _ blocks: [JSONBody.Object], to messages: inout [JSONBody.Object]) {
        if let last = messages.last, last["role"] as? String == role, let previous = last["content"] as? [JSONBody.Object] {
            messages[messages.count - 1]["content"] = previous + blocks
        } else {
            messages.append(["role": role, "content": blocks])
        }
    }

    /// Text blocks of an OpenAI `content`: a string, or parts of type text.
    private static func textBlocks(_ content: Any?, param: String, allowsNull: Bool = false) throws(TranslationError) -> [JSONBody.Object] {
        if let text = content as? String { return text.isEmpty ? [] : [["type": "text", "text": text]] }
        if content == nil || JSONBody.isNull(content) {
            guard allowsNull else { throw TranslationError("\(param) is missing.", param: param) }
            return []
        }
        guard let parts = content as? [Any] else { throw TranslationError("\(param) must be a string or an array of parts.", param: param) }
        return try parts.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
            guard let part = item as? JSONBody.Object, part["type"] as? String == "text", let text = part["text"] as? String else {
                throw TranslationError("\(param)[\(index)] must be a text part here.", param: "\(param)[\(index)]")
            }
            return ["type": "text", "text": text]
        }
    }

    /// Blocks of a user's OpenAI `content`: text, and images as base64 or URL sources.
    private static func userBlocks(_ content: Any?, param: String) throws(TranslationError) -> [JSONBody.Object] {
        guard let parts = content as? [Any] else { return try textBlocks(content, param: param) }
        return try parts.enumerated().map { (index, item) throws(TranslationError) -> JSONBody.Object in
            let partParam = "\(param)[\(index)]"
            guard let part = item as? JSONBody.Object else { throw TranslationError("\(partParam) must be an object.", param: partParam) }
            switch part["type"] as? String {
            case "text": return ["type": "text", "text": part["text"] as? String ?? ""]
            case "image_url":
                guard let url = (part["image_url"] as? JSONBody.Object)?["url"] as? String ?? part["image_url"] as? String else {
                    throw TranslationError("\(partParam).image_url.url is missing.", param: partParam)
                }
                return ["type": "image", "source": try imageSource(url, param: partParam)]
            default:
                throw TranslationError(
                    "\(partParam) is a '\(part["type"] as? String ?? "?")' part; this provider takes text and image_url parts.", param: partParam)
            }
        }
    }

    /// An Anthropic image source for an OpenAI image URL: a `data:` URL's base64, else the URL.
    static func imageSource(_ url: String, param: String) throws(TranslationError) -> JSONBody.Object {
        guard url.hasPrefix("data:") else {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw TranslationError("\(param): an image URL must be https or a data: URL.", param: param)
            }
            return ["type": "url", "url": url]
        }
        guard let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") else {
            throw TranslationError("\(param): a data: URL must be base64 (data:image/png;base64,...).", param: param)
        }
        let mediaType = url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(";base64".count)
        return ["type": "base64", "media_type": String(mediaType), "data": String(url[url.index(after: comma)...])]
    }

    /// The OpenAI image URL of an Anthropic image block.
    private static func imageURL(_ block: JSONBody.Object, param: String) throws(TranslationError) -> String {
        guard let source = block["source"] as? JSONBody.Object else { throw TranslationError("\(param).source is missing.", param: param) }
        switch source["type"] as? String {
        case "base64":
            return "data:\(source["media_type"] as? String ?? "image/png");base64,\(source["data"] as? String ?? "")"
        case "url":
            guard let url = source["url"] as? String else { throw TranslationError("\(param).source.url is missing.", param: param) }
            return url
        default:
            throw TranslationError("\(param).source must be of type base64 or url.", param: param)
        }
    }

    /// The text of a `system` value or a tool result's `content`: a string, or text blocks joined.
    private static func joinedText(_ value: Any, param: String) throws(TranslationError) -> String {
        if let text = value as? String { return text }
        guard let blocks = value as? [Any] else { throw TranslationError("\(param) must be a string or an array of text blocks.", param: param) }
        var texts: [String] = []
        for (index, item) in blocks.enumerated() {
            guard let block = item as? JSONBody.Object, block["type"] as? String == "text", let text = block["text"] as? String else {
                throw TranslationError("\(param)[\(index)] must be a text block here.", param: "\(param)[\(index)]")
            }
            texts.append(text)
        }
        return texts.joined(separator: "\n\n")
    }

    /// Anthropic's `tool_choice` for OpenAI's.
    private static func toolChoice(_ value: Any?) throws(TranslationError) -> JSONBody.Object? {
        switch try ChatToolChoice.parse(value) {
        case nil: nil
        case .auto: ["type": "auto"]
        case .disabled: ["type": "none"]
        case .required: ["type": "any"]
        case .function(let name): ["type": "tool", "name": name]
        }
    }
}
