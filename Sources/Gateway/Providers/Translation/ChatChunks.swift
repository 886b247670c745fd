import NIOCore

/// Writes the OpenAI chat chunks of a translated stream, all with one id, model and creation time.
struct ChatChunks {
    /// The answer's id.
    var id = ""
    /// The model named in each chunk.
    var model: String
    private let created = JSONBody.unixSeconds()

    init(model: String) {
        self.model = model
    }

    /// A chunk of the first choice with `delta` and `finish` (a finish reason, or null).
    func write(delta: JSONBody.Object, finish: Any = JSONBody.null, into out: inout ByteBuffer) {
        var chunk = head()
        chunk["choices"] = [["index": 0, "delta": delta, "finish_reason": finish]]
        out.writeString("data: \(JSONBody.text(chunk))\n\n")
    }

    /// The usage-only chunk (`"choices": []`) and `[DONE]`.
    func writeUsage(_ usage: JSONBody.Object, into out: inout ByteBuffer) {
        var chunk = head()
        chunk["choices"] = [Any]()
        chunk["usage"] = usage
        out.writeString("data: \(JSONBody.text(chunk))\n\ndata: [DONE]\n\n")
    }

    /// An error event in the OpenAI shape, with the provider's message and its code.
    static func writeError(message: Any?, type: Any?, code: Any?, into out: inout ByteBuffer) {
        let error: JSONBody.Object = [
            "message": message ?? "The provider reported an error.", "type": type ?? "api_error", "param": JSONBody.null, "code": code ?? JSONBody.null,
        ]
        out.writeString("data: \(JSONBody.text(["error": error]))\n\n")
    }

    private func head() -> JSONBody.Object {
        ["id": id, "object": "chat.completion.chunk", "created": created, "model": model]
    }
}
