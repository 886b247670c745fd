import NIOPosix

/// Work long enough to hold up the requests of an event loop (an exposition of many series), run
/// on NIO's blocking thread pool instead. The event loops also serve the data plane: a scrape
/// rendered on one would stall that loop's requests for as long as it takes.
enum BlockingWork {
    /// The result of `body`, run on the blocking pool; run in place (on the caller's executor)
    /// when the pool has stopped.
    nonisolated(nonsending) static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(body)
        } catch {
            return body()
        }
    }
}
