import NIOCore

/// A ``StreamRelay`` driven by the provider connection's reads, with no task: each chunk is
/// metered, guarded and written to the client as the connection reads it, on the event loop that
/// serves both connections, and flushed once per read. A client whose socket is full stops the provider's reads until it
/// drains; a client that goes away closes the provider's connection.
///
/// Used on its event loop only (checked in debug builds), hence `@unchecked Sendable`. It holds
/// the provider's chunks and they hold it back until the stream ends, either way: the provider's
/// end, the client's going away, or the relay's own stop.
final class LoopStreamRelay: UpstreamChunks.Sink, @unchecked Sendable {
    private let relay: StreamRelay
    private let chunks: UpstreamChunks
    private let output: any StreamOutput
    private let loop: any EventLoop
    private var progress: StreamRelay.Progress
    private var done = false

    /// A relay of `relay`'s stream into `output`, or nil when its chunks are not read on `loop`
    /// (a translated stream, or one read elsewhere): a task relays those.
    init?(_ relay: StreamRelay, on loop: any EventLoop, output: some StreamOutput) {
        guard let chunks = relay.chunks as? UpstreamChunks, let chunksLoop = chunks.eventLoop, chunksLoop === loop else { return nil }
        self.relay = relay
        self.chunks = chunks
        self.output = output
        self.loop = loop
        self.progress = relay.makeProgress()
    }

    /// Starts taking the chunks; those already read are relayed at once.
    func start() { chunks.drive(self) }

    func received(_ chunk: ByteBuffer) -> Bool {
        loop.assertInEventLoop()
        guard !done else { return true }
        let relayed = progress.relay(chunk)
        let writable = relayed.readableBytes == 0 || output.write(relayed)
        if progress.outcome.isBlocked {
            stop()
        } else if NIODeadline.now() > relay.deadline {
            progress.outcome = .timedOut
            stop()
        }
        return writable
    }

    func readComplete() {
        if !done { output.flush() }
    }

    func ended(_ failure: (any Error)?) {
        loop.assertInEventLoop()
        guard !done else { return }
        if let failure { progress.outcome = StreamOutcome(ending: failure) }
        end()
    }

    /// The client's socket drained: the provider's connection reads again if it had stopped.
    func writable() {
        if !done { chunks.resume() }
    }

    /// The client went away: the provider's connection is closed and the request recorded as
    /// `client_closed`, unless the stream had already ended.
    func clientGone() {
        guard !done else { return }
        done = true
        progress.outcome = .clientClosed
        chunks.cancel()
        relay.record(progress)
    }

    /// The relay ends the stream itself (blocked, or past its deadline): the provider's connection is closed.
    private func stop() {
        chunks.cancel()
        end()
    }

    /// Writes the answer's end and records the request.
    private func end() {
        done = true
        let closing = progress.closing(provider: relay.provider, messages: relay.messages)
        if closing.readableBytes > 0 { _ = output.write(closing) }
        output.finish()
        relay.record(progress)
    }
}

/// Where a stream relayed from the event loop is written: the client's connection.
protocol StreamOutput: AnyObject {
    /// Writes `bytes`, to leave with the next flush; returns whether the client's socket takes more now.
    func write(_ bytes: ByteBuffer) -> Bool
    /// Sends what was written.
    func flush()
    /// Ends the answer.
    func finish()
}
