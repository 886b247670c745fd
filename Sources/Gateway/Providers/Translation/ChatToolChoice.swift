/// An OpenAI `tool_choice`, read once for the translations that map it to their own API.
enum ChatToolChoice: Equatable {
    case auto, required
    /// `none`: no tool may be called.
    case disabled
    /// One named function.
    case function(String)

    /// The choice `value` states; nil when absent or null.
    /// - Throws: a ``TranslationError`` for any other value.
    static func parse(_ value: Any?) throws(TranslationError) -> ChatToolChoice? {
        if value == nil || JSONBody.isNull(value) { return nil }
        if let mode = value as? String {
            switch mode {
            case "auto": return .auto
            case "none": return .disabled
            case "required": return .required
            default: break
            }
        } else if let name = ((value as? JSONBody.Object)?["function"] as? JSONBody.Object)?["name"] as? String {
            return .function(name)
        }
        throw TranslationError("tool_choice must be auto, none, required or a function with a name.", param: "tool_choice")
    }
}
