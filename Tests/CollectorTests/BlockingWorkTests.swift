import NIOCore
import NIOPosix
import Testing

@testable import Collector

@Suite("Blocking work: off the event loops that serve requests")
struct BlockingWorkTests {
    /// An actor that runs on an event loop, as a request handler does.
    actor OnLoop {
        let loop: any EventLoop
        nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

        init(_ loop: any EventLoop) { self.loop = loop }

        /// Whether this actor runs on its loop, and whether the work it hands over does.
        func check() async -> (caller: Bool, work: Bool) {
            let caller = loop.inEventLoop
            let work = await BlockingWork.run { MultiThreadedEventLoopGroup.currentEventLoop != nil }
            return (caller, work)
        }
    }

    @Test("work handed over from an event loop runs on no event loop, and its result comes back")
    func offTheLoop() async {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (caller, work) = await OnLoop(group.next()).check()
        #expect(caller)
        #expect(!work)
        #expect(await BlockingWork.run { 6 * 7 } == 42)
        try? await group.shutdownGracefully()
    }
}
