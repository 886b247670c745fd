import NIOCore

/// One request's upstream work as it runs on its event loop, without a task: what stops it when
/// the client goes away. Each step in flight (a provider's connection, a backoff timer, a task of
/// a provider that only has an async side) leaves how to stop it in ``onCancel``; ``cancel()``
/// runs that once. Used on its event loop only.
final class UpstreamCall {
    /// Where a step that needs a task runs it: the connection's event loop, or any executor when nil.
    let executor: (any TaskExecutor)?
    /// Whether the client went away; a step that ends after that reports ``UpstreamFailure/cancelled``.
    private(set) var isCancelled = false
    /// Stops the step in flight, if any.
    var onCancel: (() -> Void)?

    init(executor: (any TaskExecutor)? = nil) { self.executor = executor }

    /// Stops the step in flight; later steps see ``isCancelled``.
    func cancel() {
        guard !isCancelled else { return }
        isCancelled = true
        let stop = onCancel.take()
        stop?()
    }

    /// Runs `operation` in a task on ``executor``, as the step in flight, and calls `reply` with its
    /// result on `loop` (the caller's own): the callback side of an async API. Cancelling the call
    /// cancels the task.
    func run<Value: Sendable>(on loop: any EventLoop, _ operation: @escaping @Sendable () async -> Value, reply: @escaping (Value) -> Void) {
        let call = NIOLoopBound(self, eventLoop: loop)
        let reply = NIOLoopBound(reply, eventLoop: loop)
        let task = Task(executorPreference: executor) {
            let value = await operation()
            if loop.inEventLoop {
                call.value.onCancel = nil
                reply.value(value)
            } else {
                loop.execute {
                    call.value.onCancel = nil
                    reply.value(value)
                }
            }
        }
        onCancel = { task.cancel() }
    }

    /// Runs `start` on `loop` and waits for the reply it hands its callback, stopping the call when
    /// the task is cancelled: the async side of a callback API.
    static func wait<Value: Sendable>(
        on loop: any EventLoop,
        _ start: @escaping @Sendable (UpstreamCall, @escaping (Result<Value, UpstreamFailure>) -> Void) -> Void
    ) async throws(UpstreamFailure) -> Value {
        let call = NIOLoopBoundBox.makeBoxSendingValue(UpstreamCall(), eventLoop: loop)
        let result: Result<Value, UpstreamFailure> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if loop.inEventLoop {
                    start(call.value) { continuation.resume(returning: $0) }
                } else {
                    loop.execute { start(call.value) { continuation.resume(returning: $0) } }
                }
            }
        } onCancel: {
            if loop.inEventLoop { call.value.cancel() } else { loop.execute { call.value.cancel() } }
        }
        return try result.get()
    }
}
