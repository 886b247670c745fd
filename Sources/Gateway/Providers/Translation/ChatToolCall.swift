/// One tool call of an OpenAI assistant message, read once for the translations that map it.
struct ChatToolCall {
    /// The call's id, when it has one.
    let id: String?
    /// The function called.
    let name: String
    /// The arguments, which must be a JSON object.
    let arguments: JSONBody.Object

    /// The tool calls of `message` (at `param`, such as `messages[2]`).
    /// - Throws: a ``TranslationError`` for a call without a function name, or with arguments
    ///   that are not a JSON object.
    static func calls(of message: JSONBody.Object, param: String) throws(TranslationError) -> [ChatToolCall] {
        var calls: [ChatToolCall] = []
        for (index, item) in (message["tool_calls"] as? [Any] ?? []).enumerated() {
            let callParam = "\(param).tool_calls[\(index)]"
            guard let call = item as? JSONBody.Object, let function = call["function"] as? JSONBody.Object, let name = function["name"] as? String else {
                throw TranslationError("\(callParam) must be a function call with a name.", param: callParam)
            }
            let text = function["arguments"] as? String ?? "{}"
            guard let arguments = JSONBody.object(text.isEmpty ? "{}" : text) else {
                throw TranslationError("\(callParam).function.arguments must be a JSON object.", param: callParam)
            }
            calls.append(ChatToolCall(id: call["id"] as? String, name: name, arguments: arguments))
        }
        return calls
    }
}
