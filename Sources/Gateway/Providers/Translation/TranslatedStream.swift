import NIOCore

/// A provider's stream as a front door's clients read it: each chunk split into events and
/// translated. When the translation ends the stream early, what it wrote is relayed first, then
/// its error ends the sequence.
struct TranslatedStream<Translator: StreamTranslator>: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: any AsyncSequence<ByteBuffer, any Error> & Sendable
    /// Makes the translation's state, once per iteration.
    let translator: @Sendable () -> Translator

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), translator: translator())
    }

    /// Reads the provider's chunks and yields the translated bytes.
    struct Iterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<ByteBuffer, any Error>
        var translator: Translator
        private var reader = SSEEventReader()
        private var pendingError: (any Error)?
        private var done = false

        init(base: any AsyncIteratorProtocol<ByteBuffer, any Error>, translator: Translator) {
            self.base = base
            self.translator = translator
        }

        mutating func next() async throws -> ByteBuffer? {
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            while !done {
                let chunk: ByteBuffer?
                do {
                    chunk = try await base.next()
                } catch {
                    // The provider's own failures (a broken connection, a timeout) pass as they are.
                    done = true
                    throw error
                }
                var out = ByteBuffer()
                do throws(StreamTranslationError) {
                    if let chunk {
                        let events: [SSEEvent]
                        do {
                            events = try reader.feed(chunk)
                        } catch {
                            throw StreamTranslationError.unreadable
                        }
                        for event in events { try translator.translate(event, into: &out) }
                    } else {
                        done = true
                        try translator.finish(into: &out)
                    }
                } catch {
                    done = true
                    guard out.readableBytes > 0 else { throw error }
                    pendingError = error
                    return out
                }
                if out.readableBytes > 0 { return out }
            }
            return nil
        }
    }
}
