import NIOCore

/// Runs the tasks a request needs (a stream's relay, an MCP exchange, a provider that translates)
/// on its connection's event loop as a task executor, not as the loop's serial executor.
///
/// NIO, installed as the global executor, runs every job as if isolated to the event loop, so each
/// call of a nonisolated async function (which runs on the generic executor) saw a different
/// executor and went back through the loop's queue: a task switch at every stage of a request. A
/// job run on a task executor is on the generic executor already, and such calls stay direct.
final class LoopTaskExecutor: TaskExecutor, Sendable {
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
