import NIOCore

/// The `/v1/messages` front door in front of a provider that reads OpenAI chat requests: the
/// request translated to a chat request, the answer (whole, error or stream) back to Messages.
enum MessagesBridge {
    /// Translates `request`'s Messages body, sends it with `post`, and translates what comes back.
    static func send(
        _ request: UpstreamRequest, via post: (UpstreamRequest) async throws(UpstreamFailure) -> UpstreamResponse
    ) async throws(UpstreamFailure) -> UpstreamResponse {
        var chat = request
        let model: String
        do throws(TranslationError) {
            let object = try JSONBody.request(request.body)
            model = object["model"] as? String ?? ""
            chat.body = JSONBody.buffer(try MessagesRequest.toChat(object))
        } catch {
            return .untranslatable(error, messages: true)
        }
        chat.endpoint = .chatCompletions
        return try await post(chat).translated(
            whole: MessagesResponse.fromChat, error: AnthropicErrorShape.fromOpenAI, stream: { ChatStreamToMessages(model: model) })
    }
}
