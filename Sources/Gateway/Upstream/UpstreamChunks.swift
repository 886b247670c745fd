import NIOCore
import Synchronization

/// The body chunks of a streamed answer, with back-pressure: past a few buffered chunks the
/// connection stops reading until the reader catches up, so a slow client holds the provider back
/// instead of the gateway buffering the answer. A reader that stops before the end (the client
/// went away) closes the upstream connection, which ends the provider's generation.
struct UpstreamChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Reading
    >
    typealias Source = Producer.Source

    let base: Producer

    /// A sequence and the source the connection's handler yields into.
    static func make(_ reading: Reading) -> (UpstreamChunks, Source) {
        let made = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8), finishOnDeinit: false, delegate: reading)
        return (UpstreamChunks(base: made.sequence), made.source)
    }

    func makeAsyncIterator() -> Producer.AsyncIterator { base.makeAsyncIterator() }

    /// Turns reading back on when the reader wants more, and closes the connection when the
    /// reader goes away before the answer ended.
    final class Reading: NIOAsyncSequenceProducerDelegate {
        let channel: any Channel
        private let ended = Atomic<Bool>(false)

        init(channel: any Channel) { self.channel = channel }

        /// The answer ended: the connection may go back to the pool.
        func markEnded() { ended.store(true, ordering: .releasing) }

        func produceMore() { channel.setAutoRead(true) }

        func didTerminate() {
            if !ended.load(ordering: .acquiring) { channel.close(promise: nil) }
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
