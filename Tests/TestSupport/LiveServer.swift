import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Runs a Hummingbird router on a free loopback port for the duration of a closure.
public enum LiveServer {
    /// Serves `router` on 127.0.0.1:0, calls `body` with the bound port, then stops the server.
    public static func run<Responder: HTTPResponderBuilder, T: Sendable>(
        router: Responder,
        _ body: @Sendable (Int) async throws -> T
    ) async throws -> T where Responder.Responder.Context: RequestContext, Responder.Responder.Context.Source == ApplicationRequestContextSource {
        let bound = PortBox()
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in bound.set(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            defer { group.cancelAll() }
            let port = try await bound.wait()
            let result: Result<T, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            // The server stops accepting before it is cancelled: cancelling it while an accepted
            // connection waits in its channel's stream traps in NIO (swift-nio#2637). A connection
            // a test left hanging is cut by the cancellation, after a bound.
            await services.triggerGracefulShutdown()
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            _ = try? await group.next()
            return try result.get()
        }
    }
}

/// Hands the bound port from the server's start callback to the test.
private final class PortBox: Sendable {
    private let signal = TestSignal()
    private let value = Mutex<Int>(0)

    func set(_ port: Int) {
        value.withLock { $0 = port }
        signal.fire()
    }

    func wait() async throws -> Int {
        // Generous: on a two-core machine the property tests running beside it can hold the
        // concurrency pool for seconds; a server that never starts still fails the test.
        guard await signal.wait(timeout: .seconds(60)) else { throw CancellationError() }
        return value.withLock { $0 }
    }
}
