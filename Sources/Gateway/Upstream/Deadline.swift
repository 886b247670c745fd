/// Thrown when an operation outlives its deadline.
struct DeadlineExceeded: Error {}

/// Runs work against a deadline, cancelling it when the deadline passes first.
enum Deadline {
    /// The result of `operation`, or ``DeadlineExceeded`` once `deadline` passes.
    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
            return value
        }
    }
}
