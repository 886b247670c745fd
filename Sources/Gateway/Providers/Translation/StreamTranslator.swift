import NIOCore

/// Turns a provider's stream, event by event, into the stream a front door's clients read.
protocol StreamTranslator {
    /// Writes the events `event` becomes to `out`.
    mutating func translate(_ event: SSEEvent, into out: inout ByteBuffer) throws(StreamTranslationError)
    /// Writes what the end of the provider's stream adds (the final usage, `[DONE]`), or throws
    /// when the stream ended before its last event.
    mutating func finish(into out: inout ByteBuffer) throws(StreamTranslationError)
}

/// Why a translated stream ends early.
enum StreamTranslationError: Error, Equatable {
    /// The provider reported an error in the stream; the client's error event is already written.
    case providerError
    /// The provider's stream ended before its final event.
    case incomplete
    /// An event that is not what the provider's API sends (not JSON, or overlong).
    case unreadable
}
