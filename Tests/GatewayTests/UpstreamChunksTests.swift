import Foundation
import NIOCore
import Synchronization
import TestSupport
import Testing

@testable import Gateway

@Suite("A streamed answer's chunks: order, end, back-pressure, a reader that goes away")
struct UpstreamChunksTests {
    /// Counts what the chunks asked of the connection.
    final class Control: UpstreamChunks.Control {
        let eventLoop: (any EventLoop)?
        private let counts = Mutex((resumed: 0, abandoned: 0))

        init(eventLoop: (any EventLoop)? = nil) { self.eventLoop = eventLoop }

        var resumed: Int { counts.withLock { $0.resumed } }
        var abandoned: Int { counts.withLock { $0.abandoned } }

        func resumeReading() { counts.withLock { $0.resumed += 1 } }
        func abandon() { counts.withLock { $0.abandoned += 1 } }
    }

    static func chunk(_ index: Int) -> ByteBuffer { ByteBuffer(string: "chunk \(index)\n") }

    @Test("chunks written before and while the reader waits arrive in order, then the end, from another thread")
    func orderAcrossThreads() async throws {
        for _ in 0..<50 {
            let control = Control()
            let (chunks, buffer) = UpstreamChunks.make(control)
            let count = 500
            let writer = Thread {
                for index in 0..<count {
                    _ = buffer.append(Self.chunk(index))
                    if index % 7 == 0 { Thread.sleep(forTimeInterval: 0.00002) }
                }
                buffer.finish()
            }
            writer.start()
            var received: [String] = []
            for try await chunk in chunks { received.append(String(buffer: chunk)) }
            #expect(received == (0..<count).map { String(buffer: Self.chunk($0)) })
            #expect(control.abandoned == 0, "a stream read to its end leaves the connection to the pool")
        }
    }

    @Test("past the high watermark the connection stops reading; drained to the low one it reads again")
    func backPressure() async throws {
        let control = Control()
        let (chunks, buffer) = UpstreamChunks.make(control)
        for index in 0..<UpstreamChunks.highWatermark - 1 { #expect(buffer.append(Self.chunk(index))) }
        #expect(!buffer.append(Self.chunk(99)), "the eighth buffered chunk stops the reads")
        var iterator = chunks.makeAsyncIterator()
        for _ in 0..<(UpstreamChunks.highWatermark - UpstreamChunks.lowWatermark - 1) { _ = try await iterator.next() }
        #expect(control.resumed == 0)
        _ = try await iterator.next()
        #expect(control.resumed == 1, "down to two buffered chunks, reading resumes once")
        _ = try await iterator.next()
        #expect(control.resumed == 1)
        buffer.finish()
        _ = try await iterator.next()
        #expect(try await iterator.next() == nil)
        #expect(try await iterator.next() == nil, "the end stays the end")
    }

    @Test("a broken answer throws after the chunks that arrived, to a waiting reader or a later one")
    func failure() async throws {
        struct Broke: Error {}
        let (chunks, buffer) = UpstreamChunks.make(Control())
        _ = buffer.append(Self.chunk(1))
        buffer.finish(Broke())
        var iterator = chunks.makeAsyncIterator()
        #expect(try await iterator.next().map { String(buffer: $0) } == "chunk 1\n")
        await #expect(throws: Broke.self) { try await iterator.next() }

        let (waiting, second) = UpstreamChunks.make(Control())
        let reader = Task {
            var iterator = waiting.makeAsyncIterator()
            return try await iterator.next()
        }
        try await Task.sleep(for: .milliseconds(50))
        second.finish(Broke())
        await #expect(throws: Broke.self) { try await reader.value }
    }

    @Test("a reader cancelled while it waits gets CancellationError, and the unfinished answer's connection is closed")
    func cancelledWhileWaiting() async throws {
        let control = Control()
        let (chunks, buffer) = UpstreamChunks.make(control)
        let reader = Task {
            var iterator = chunks.makeAsyncIterator()
            return try await iterator.next()
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
        #expect(control.abandoned == 1)
        #expect(buffer.append(Self.chunk(1)), "chunks after the reader left are dropped, never buffered")
    }

    @Test("a reader cancelled before it asks gets CancellationError at once")
    func cancelledBeforeAsking() async throws {
        let control = Control()
        let (chunks, _) = UpstreamChunks.make(control)
        let reader = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var iterator = chunks.makeAsyncIterator()
            return try await iterator.next()
        }
        await #expect(throws: CancellationError.self) { try await reader.value }
        #expect(control.abandoned == 1)
    }

    @Test("a sequence dropped unread closes the connection; one dropped after the end does not")
    func dropped() async throws {
        let unread = Control()
        do {
            let (chunks, buffer) = UpstreamChunks.make(unread)
            _ = buffer.append(Self.chunk(1))
            _ = chunks
        }
        #expect(unread.abandoned == 1)

        let whole = Control()
        do {
            let (chunks, buffer) = UpstreamChunks.make(whole)
            _ = buffer.append(Self.chunk(1))
            buffer.finish()
            var iterator = chunks.makeAsyncIterator()
            _ = try await iterator.next()
        }
        #expect(whole.abandoned == 0)
    }
}
