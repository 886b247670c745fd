import HTTPTypes
import NIOCore
import WireJSON

extension UpstreamResponse {
    /// This answer in a front door's shape: a whole success translated by `whole`, an error
    /// body by `error` (with the status kept), a stream event by event by the translator
    /// `stream` makes.
    /// - Throws: ``UpstreamFailure/invalidResponse`` for a success whose body is not one JSON object.
    func translated<Translator: StreamTranslator>(
        whole: (JSONBody.Object) -> JSONBody.Object, error: (ByteBuffer, Int) -> ByteBuffer, stream: @escaping @Sendable () -> Translator
    ) throws(UpstreamFailure) -> UpstreamResponse {
        switch body {
        case .buffer(let buffer):
            if status.code >= 400 { return UpstreamResponse(status: status, contentType: "application/json", body: .buffer(error(buffer, status.code))) }
            guard let object = JSONBody.object(buffer) else { throw .invalidResponse }
            return UpstreamResponse(status: status, contentType: "application/json", body: .buffer(JSONBody.buffer(whole(object))))
        case .stream(let chunks):
            return UpstreamResponse(status: status, contentType: "text/event-stream", body: .stream(TranslatedStream(base: chunks, translator: stream)))
        }
    }

    /// The 400 for a request the provider's API cannot express, in the front door's error shape;
    /// the provider is not contacted.
    static func untranslatable(_ error: TranslationError, messages: Bool) -> UpstreamResponse {
        let client = ClientError(.badRequest, .invalidRequest, error.message, param: error.param)
        return UpstreamResponse(status: .badRequest, contentType: "application/json", body: .buffer(messages ? client.messagesBody : client.body))
    }
}
