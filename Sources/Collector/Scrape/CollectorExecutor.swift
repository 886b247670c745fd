import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A task executor on one event-loop thread of its own, below the data plane in the OS scheduler:
/// folding traces never occupies the event-loop threads that serve requests, and when the CPU is
/// busy a request's thread preempts it at once, instead of waiting out its time slice behind a
/// batch. Its own timers pace the work (``sleep(for:)``): a pause between collections wakes this
/// thread alone, where a clock's sleep would go through Dispatch's timer and worker threads and
/// then wake this one.
final class CollectorExecutor: TaskExecutor, Sendable {
    /// The fold's nice value: its thread gets about a tenth of a core while a request thread
    /// wants the same core, and any idle CPU otherwise. The fold must keep up with the ring, or
    /// traces are overwritten before they are counted.
    static let foldNiceness: Int32 = 10

    /// The OTLP exporters' nice value, the lowest priority: about a seventieth of a core while a
    /// request thread wants it. Export is best effort: on a saturated machine the spans wait in
    /// their queue, and the oldest are dropped and counted, rather than take CPU from requests.
    static let exportNiceness: Int32 = 19

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let loop: any EventLoop

    /// An executor whose thread runs at nice value `niceness`.
    init(niceness: Int32) {
        loop = group.next()
        loop.execute {
            #if os(Linux)
            // On Linux the nice value belongs to the calling thread alone.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            #endif
        }
    }

    deinit { group.shutdownGracefully { _ in } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    /// Waits `duration` on this executor's own timer; returns early when the task is cancelled.
    func sleep(for duration: Duration) async {
        let scheduled = loop.scheduleTask(in: TimeAmount(duration)) {}
        await withTaskCancellationHandler {
            try? await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
