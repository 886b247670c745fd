import DequeModule
import NIOCore
import Synchronization

/// The body chunks of a streamed answer, with back-pressure: past a few buffered chunks the
/// connection stops reading until the reader catches up, so a slow client holds the provider back
/// instead of the gateway buffering the answer. A reader that goes away before the end (the client
/// went away, or the sequence was dropped unread) closes the upstream connection, which ends the
/// provider's generation. A reader whose task is cancelled while it waits gets `CancellationError`.
///
/// A reader on the connection's own event loop can take the chunks without a task instead: a
/// ``Sink`` attached with ``drive(_:)`` gets each one as the connection reads it.
struct UpstreamChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    /// Past this many buffered chunks the connection stops reading; at or below `lowWatermark` it reads again.
    static let highWatermark = 8
    static let lowWatermark = 2

    private let reader: Reader

    /// A sequence and the buffer the connection's handler writes into.
    static func make(channel: any Channel) -> (UpstreamChunks, Buffer) {
        make(ChannelControl(channel: channel))
    }

    /// A sequence and its buffer, with `control` for the connection behind them.
    static func make(_ control: some Control) -> (UpstreamChunks, Buffer) {
        let buffer = Buffer(control)
        return (UpstreamChunks(reader: Reader(buffer)), buffer)
    }

    /// What the chunks ask of the connection they come from.
    protocol Control: Sendable {
        /// The reader caught up: read from the socket again.
        func resumeReading()
        /// The reader went away before the answer ended: close the connection.
        func abandon()
        /// The event loop the connection reads on; nil when the chunks come from elsewhere.
        var eventLoop: (any EventLoop)? { get }
    }

    /// A connection's channel as the chunks' ``Control``.
    struct ChannelControl: Control {
        let channel: any Channel

        func resumeReading() { channel.setAutoRead(true) }

        func abandon() { channel.close(promise: nil) }

        var eventLoop: (any EventLoop)? { channel.eventLoop }
    }

    /// A reader called with each chunk as the connection reads it, on the connection's event loop.
    protocol Sink: AnyObject, Sendable {
        /// Takes the next chunk; returns false when it cannot take more for now (the connection
        /// then stops reading until ``UpstreamChunks/resume()``).
        func received(_ chunk: ByteBuffer) -> Bool
        /// The connection's read is over: what it brought may go out together.
        func readComplete()
        /// The answer is whole (nil), or broke off with `failure`. Called once, last.
        func ended(_ failure: (any Error)?)
    }

    /// The event loop whose reads append the chunks; nil when they come from elsewhere.
    var eventLoop: (any EventLoop)? { reader.buffer.eventLoop }

    /// Hands the chunks to `sink` from now on, those already buffered (and the end, if it came)
    /// first. Called once, on ``eventLoop``, instead of iterating.
    func drive(_ sink: some Sink) { reader.buffer.attach(sink) }

    /// The sink caught up: the connection reads again if it had stopped.
    func resume() { reader.buffer.resume() }

    /// The sink needs no more: the connection is closed unless the answer already ended.
    func cancel() { reader.buffer.terminate() }

    func makeAsyncIterator() -> Iterator { Iterator(reader: reader) }

    /// Reads the chunks in order; nil once the answer ended, throws when it broke off.
    struct Iterator: AsyncIteratorProtocol {
        let reader: Reader

        mutating func next() async throws -> ByteBuffer? { try await reader.buffer.next() }
    }

    /// The reader's hold on the buffer: when the sequence and its iterators are gone, the reader is.
    final class Reader: Sendable {
        let buffer: Buffer

        init(_ buffer: Buffer) { self.buffer = buffer }

        deinit { buffer.terminate() }
    }

    /// The chunks between the connection's event loop, which appends and ends them, and the one
    /// task that reads them.
    final class Buffer: Sendable {
        private let control: any Control
        private let state = Mutex(State())

        private struct State {
            var chunks = Deque<ByteBuffer>()
            /// Nil while the answer is being read; then how it ended.
            var end: Result<Void, any Error>?
            /// The reader, while it waits for a chunk.
            var waiter: UnsafeContinuation<ByteBuffer?, any Error>?
            /// The connection's reads are off until the reader catches up.
            var paused = false
            /// The reader went away or was cancelled: nothing more is kept.
            var terminated = false
            /// The reader that takes chunks as they come, instead of waiting for them.
            var sink: (any Sink)?
        }

        init(_ control: some Control) { self.control = control }

        var eventLoop: (any EventLoop)? { control.eventLoop }

        /// Hands what is buffered, then every later chunk and the end, to `sink`.
        func attach(_ sink: some Sink) {
            let (buffered, end): (Deque<ByteBuffer>, Result<Void, any Error>?) = state.withLock { state in
                guard !state.terminated else { return ([], nil) }
                defer { state.chunks.removeAll() }
                if state.end == nil { state.sink = sink }
                return (state.chunks, state.end)
            }
            var reading = true
            for chunk in buffered { reading = sink.received(chunk) && reading }
            if !buffered.isEmpty { sink.readComplete() }
            if let end {
                if case .failure(let failure) = end { sink.ended(failure) } else { sink.ended(nil) }
            } else if reading {
                resume()
            }
        }

        /// Tells the sink that the connection's read is over.
        func readComplete() {
            state.withLock { $0.sink }?.readComplete()
        }

        /// Reading resumes if it had stopped.
        func resume() {
            let resume = state.withLock { state in
                defer { state.paused = false }
                return state.paused && !state.terminated
            }
            if resume { control.resumeReading() }
        }

        /// Appends a chunk; returns false when the reader is behind and the connection should stop reading.
        func append(_ chunk: ByteBuffer) -> Bool {
            let (taker, reading): (Taker?, Bool) = state.withLock { state in
                guard !state.terminated else { return (nil, true) }
                if let sink = state.sink { return (.sink(sink), true) }
                if let waiter = state.waiter {
                    state.waiter = nil
                    return (.waiter(waiter), true)
                }
                state.chunks.append(chunk)
                if state.chunks.count >= UpstreamChunks.highWatermark { state.paused = true }
                return (nil, !state.paused)
            }
            switch taker {
            case .sink(let sink)?:
                guard !sink.received(chunk) else { return true }
                return state.withLock { state in
                    state.paused = !state.terminated
                    return !state.paused
                }
            case .waiter(let waiter)?:
                waiter.resume(returning: chunk)
                return true
            case nil:
                return reading
            }
        }

        /// Who takes a chunk at once, rather than the buffer.
        private enum Taker {
            case sink(any Sink)
            case waiter(UnsafeContinuation<ByteBuffer?, any Error>)
        }

        /// Ends the chunks: the answer is whole (nil), or broke off with `failure`.
        func finish(_ failure: (any Error)? = nil) {
            let (waiter, sink) = state.withLock { state in
                if state.end == nil { state.end = failure.map { .failure($0) } ?? .success(()) }
                defer { (state.waiter, state.sink) = (nil, nil) }
                return (state.waiter, state.sink)
            }
            sink?.ended(failure)
            if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume(returning: nil) }
        }

        /// The next chunk, waiting for it when none is buffered.
        func next() async throws -> ByteBuffer? {
            let taken: Taken = state.withLock { state in Self.take(&state) }
            switch taken {
            case .chunk(let chunk, let resume):
                if resume { control.resumeReading() }
                return chunk
            case .ended(let end):
                try end.get()
                return nil
            case .cancelled:
                throw CancellationError()
            case .wait:
                return try await withTaskCancellationHandler {
                    try await withUnsafeThrowingContinuation { continuation in
                        let taken: Taken? = state.withLock { state in
                            switch Self.take(&state) {
                            case .wait:
                                state.waiter = continuation
                                return nil
                            case let taken: return taken
                            }
                        }
                        switch taken {
                        case nil: break
                        case .chunk(let chunk, let resume)?:
                            if resume { control.resumeReading() }
                            continuation.resume(returning: chunk)
                        case .ended(let end)?: continuation.resume(with: end.map { nil })
                        case .cancelled?, .wait?: continuation.resume(throwing: CancellationError())
                        }
                    }
                } onCancel: {
                    terminate()
                }
            }
        }

        /// What a read finds: a chunk (and whether reading resumes), the end, a terminated reader, or nothing yet.
        private enum Taken { case chunk(ByteBuffer, resume: Bool), ended(Result<Void, any Error>), cancelled, wait }

        /// What the reader gets now, under the lock.
        private static func take(_ state: inout State) -> Taken {
            if state.terminated { return .cancelled }
            if let chunk = state.chunks.popFirst() {
                let resume = state.paused && state.chunks.count <= UpstreamChunks.lowWatermark
                if resume { state.paused = false }
                return .chunk(chunk, resume: resume)
            }
            if let end = state.end { return .ended(end) }
            return .wait
        }

        /// The reader went away or was cancelled: a waiting read ends with `CancellationError`, and
        /// a connection whose answer had not ended is closed.
        func terminate() {
            let (waiter, ended) = state.withLock { state in
                state.terminated = true
                state.chunks.removeAll()
                state.sink = nil
                defer { state.waiter = nil }
                return (state.waiter, state.end != nil)
            }
            waiter?.resume(throwing: CancellationError())
            if !ended { control.abandon() }
        }
    }
}

extension Channel {
    /// Turns automatic socket reads on or off, at once on the channel's own event loop.
    func setAutoRead(_ on: Bool) {
        if eventLoop.inEventLoop, let options = syncOptions {
            try? options.setOption(.autoRead, value: on)
        } else {
            setOption(.autoRead, value: on).whenFailure { _ in }
        }
    }
}
