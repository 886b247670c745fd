import Dispatch

/// A task executor on a serial queue of its own. The collector runs on it so that folding
/// traces never occupies the event-loop threads that serve requests.
final class CollectorExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "gateway.collector", qos: .utility)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
