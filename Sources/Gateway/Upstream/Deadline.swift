import NIOCore

/// Thrown when an operation outlives its deadline.
struct DeadlineExceeded: Error {}

/// Runs work against a deadline, cancelling it when the deadline passes first.
enum Deadline {
    /// The result of `operation`, or ``DeadlineExceeded`` once `deadline` passes.
    ///
    /// The timer is a task scheduled on `eventLoop` and cancelled as soon as the operation ends,
    /// so a request that finishes early leaves nothing pending until its deadline.
    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant,
        on eventLoop: any EventLoop,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                let fired = eventLoop.makePromise(of: Void.self)
                let timer = eventLoop.scheduleTask(deadline: NIODeadline(deadline)) { fired.succeed() }
                try await withTaskCancellationHandler {
                    try await fired.futureResult.get()
                } onCancel: {
                    timer.cancel()
                    fired.fail(CancellationError())
                }
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
            return value
        }
    }
}
