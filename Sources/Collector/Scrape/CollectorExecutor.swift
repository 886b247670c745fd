import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A task executor on one thread of its own, below the data plane in the OS scheduler: folding
/// traces never occupies the event-loop threads that serve requests, and when the CPU is busy a
/// request's thread preempts it at once, instead of waiting out its time slice behind a batch.
final class CollectorExecutor: TaskExecutor, Sendable {
    /// The thread's nice value: it gets about a tenth of a core while a request thread wants the
    /// same core, and any idle CPU otherwise.
    static let niceness: Int32 = 10

    private let thread = NIOThreadPool(numberOfThreads: 1)

    init() {
        thread.start()
        thread.submit { _ in
            #if os(Linux)
            // On Linux the nice value belongs to the calling thread alone.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
            #endif
        }
    }

    deinit { thread.shutdownGracefully { _ in } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        thread.submit { _ in job.runSynchronously(on: executor) }
    }
}
