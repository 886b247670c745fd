import GatewayModel
import Logging
import ServiceLifecycle
import Telemetry

/// Reads traces from its sources, follows each with a cursor, and hands them to the store tagged
/// by org. Runs as a service on an interval; queries may also ask for a collection first, so
/// answers include the latest traffic.
public actor Collector: Service {
    /// Most traces a remote source is asked for in one step; the collector yields between steps
    /// and reads until it has caught up with the source.
    public static let batchLimit = 128

    /// The aggregated telemetry the API and exporters read.
    public nonisolated let store: TelemetryStore
    private let sources: [any TelemetrySource]
    private let mapping: @Sendable () -> OrgMapping?
    private let export: OTLPExport?
    private let interval: Duration
    private let logger: Logger
    private var cursors: [UInt64]
    /// Whether a collection is running, and the collections waiting for it to end.
    private var collecting = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates a collector over `sources`, taking the project→org mapping from `mapping` (nil while
    /// unavailable) and handing each tagged batch to `export` when given, every `interval` while
    /// traces come.
    public init(
        sources: [any TelemetrySource], store: TelemetryStore, mapping: @escaping @Sendable () -> OrgMapping?, export: OTLPExport? = nil,
        interval: Duration = .milliseconds(50), logger: Logger
    ) {
        self.export = export
        self.sources = sources
        self.store = store
        self.mapping = mapping
        self.interval = interval
        self.logger = logger
        self.cursors = Array(repeating: 0, count: sources.count)
    }

    /// Longest wait between collections: the wait doubles from `interval` up to this while the
    /// sources have nothing new, and returns to `interval` with the next trace.
    static let idleInterval: Duration = .milliseconds(250)

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        let executor = CollectorExecutor(niceness: CollectorExecutor.foldNiceness)
        await withTaskExecutorPreference(executor) {
            var wait = interval
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                wait = await collect() > 0 ? interval : min(wait * 2, max(interval, Self.idleInterval))
                await executor.sleep(for: wait)
            }
            await collect()
        }
    }

    /// Reads every source once and returns how many traces it read. Traces read while the mapping
    /// is unavailable wait in their ring: the cursor does not move, so nothing is tagged by guess.
    /// One collection runs at a time: a read suspends the actor, and a second collection started
    /// meanwhile (a query's, beside the timer's) would read from the same cursors and count the
    /// same traces twice. It waits, then collects what came since.
    @discardableResult
    public func collect() async -> Int {
        while collecting { await withCheckedContinuation { waiting.append($0) } }
        collecting = true
        defer {
            collecting = false
            let woken = waiting
            waiting = []
            for waiter in woken { waiter.resume() }
        }
        guard let mapping = mapping() else {
            store.markMappingUnavailable()
            return 0
        }
        var read = 0
        for (index, source) in sources.enumerated() {
            let started = ContinuousClock.now
            do {
                while true {
                    let batch = try await source.read(from: cursors[index])
                    cursors[index] = batch.nextCursor
                    store.ingest(batch, from: source.name, mapping: mapping, scrapeDuration: started.duration(to: .now))
                    export?.offer(batch.traces, mapping: mapping)
                    read += batch.traces.count
                    if batch.traces.isEmpty || batch.nextCursor >= batch.written { break }
                    await Task.yield()
                }
            } catch {
                store.recordScrapeFailure(source: source.name)
                logger.warning("telemetry scrape failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
            }
        }
        return read
    }
}
