import GatewayModel
import Logging
import ServiceLifecycle

/// Moves settled spend from ``Metering`` to the ledger every `interval`, and brings every
/// replica's totals back. It loads the ledger before the first request (so a restart keeps each
/// budget's spend for its current period) and flushes once more on graceful shutdown. A crash
/// loses at most the spend settled since the last flush (``Metering/unflushedMicroUSD``).
public struct SpendSync: Service {
    let metering: Metering
    let ledger: any SpendLedger
    let interval: Duration
    let clock: any Clock<Duration>
    let logger: Logger

    /// Creates the service; `clock` paces the flushes.
    public init(
        metering: Metering, ledger: any SpendLedger, interval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.clock = clock
        self.metering = metering
        self.ledger = ledger
        self.interval = interval
        self.logger = logger
    }

    /// Reads the ledger's totals once, before serving.
    public func load() async throws {
        metering.endFlush(ledger: try await ledger.exchange([], since: SpendKey.horizon()))
    }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // A shutdown ends the wait at once: the final flush below writes what is left.
            try? await cancelWhenGracefulShutdown { [clock, interval] in try await clock.sleep(for: interval) }
            failing = await flush(failing: failing)
        }
        _ = await flush(failing: failing)
    }

    /// One batch; returns whether it failed.
    @discardableResult
    public func flush(failing: Bool = false) async -> Bool {
        let batch = metering.beginFlush()
        do {
            metering.endFlush(ledger: try await ledger.exchange(batch, since: SpendKey.horizon()))
            if failing { logger.notice("spend ledger reachable again") }
            return false
        } catch {
            metering.endFlush(ledger: nil)
            metering.countFlushFailure()
            if !failing {
                logger.error(
                    "cannot write spend to the ledger; keeping it for the next flush",
                    metadata: ["error": "\(error)", "unflushed_micro_usd": "\(metering.unflushedMicroUSD)"])
            }
            return true
        }
    }
}
