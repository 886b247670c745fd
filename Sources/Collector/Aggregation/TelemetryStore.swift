import GatewayModel
import Synchronization
import Telemetry

/// Everything the collector knows: metric families by org, recent traces per org, and per-minute
/// usage rollups for a bounded window. Every series and trace carries its org, so tenant queries
/// filter on it and nothing else.
public final class TelemetryStore: Sendable {
    /// Recent traces kept per org for the requests and explain API.
    public let recentPerOrg: Int
    /// Minutes of per-minute usage kept.
    public let usageWindowMinutes: Int64
    let state: Mutex<State>

    struct State: ~Copyable {
        /// Each family at its ``Name``'s raw value.
        var families: [MetricFamily]
        /// Every request series' sums since the start, with the operation and provider (for OTLP).
        var requestSums: [BatchTally.RequestKey: BatchTally.RequestSums] = [:]
        var recent: [String: RecentTraces] = [:]
        var usage: [UsageKey: UsageCounts] = [:]
        var newestMinute: Int64 = 0
        var mappingAvailable = false
    }

    /// Creates an empty store.
    public init(recentPerOrg: Int = 1000, usageWindowMinutes: Int64 = 24 * 60) {
        self.recentPerOrg = recentPerOrg
        self.usageWindowMinutes = usageWindowMinutes
        state = Mutex(State(families: Self.makeFamilies()))
    }

    /// Whether the org mapping was available at the last collection.
    public var isMappingAvailable: Bool { state.withLock { $0.mappingAvailable } }

    /// Notes that the mapping could not be had; tenant queries answer 503 until it returns.
    public func markMappingUnavailable() { state.withLock { $0.mappingAvailable = false } }

    /// Counts a failed read of `source`.
    public func recordScrapeFailure(source: String) {
        state.withLock { $0.families[family: .scrapeFailures].add(1, [source]) }
    }

    /// Tags `batch` by org and folds it into the metrics, recent traces and usage rollups.
    public func ingest(_ batch: RingBatch, from source: String, mapping: OrgMapping, scrapeDuration: Duration) {
        state.withLock { state in
            state.mappingAvailable = true
            var unattributed = 0.0
            var tally = BatchTally()
            // Recent traces (as indices into the batch, which the recent traces keep rather than copy)
            // and usage are summed by key first, like the metrics, so the store's dictionaries are
            // hashed once per key and batch, not per trace.
            var recent = SeriesTally<String, [Int]>()
            var usage = SeriesTally<UsageKey, UsageCounts>()
            // Traces are read in place, through a pointer: a copy of one retains each of its
            // strings, and only the recent traces keep one.
            batch.traces.withUnsafeBufferPointer { traces in
                // An empty array's buffer may have an address all the same, with no trace at it.
                guard let first = traces.baseAddress, !traces.isEmpty else { return }
                // Consecutive traces mostly carry the same label values: the labels of the trace at
                // `labelled` serve every trace after it that has its values. They are read where they
                // lie: an optional or a copy of them would retain each of their strings per trace.
                var labelled = 0
                var labels = TraceLabels(first, mapping: mapping)
                for index in traces.indices {
                    let trace = first + index
                    if !first[labelled].hasSameLabelValues(as: trace.pointee) {
                        labels = TraceLabels(trace, mapping: mapping)
                        labelled = index
                    }
                    if labels.org == OrgMapping.unattributed { unattributed += 1 }
                    tally.add(trace, org: labels.org, project: labels.project, model: labels.model, provider: labels.provider, mcp: labels.mcp)
                    recent.update(position: 0, matches: { $0.pointee == labels.org }, key: { labels.org }, make: { [] }) { $0.append(index) }
                    let counts = UsageCounts(trace.pointee)
                    let minute = UsageKey.minute(of: trace)
                    usage.update(
                        position: 0,
                        matches: {
                            $0.pointee.minute == minute && $0.pointee.org == labels.org && $0.pointee.project == labels.project && $0.pointee.model == labels.model
                        },
                        key: { UsageKey(minute: minute, org: labels.org, project: labels.project, model: labels.model) }, make: { UsageCounts() }
                    ) { $0.add(counts) }
                }
            }
            recent.forEach { org, indices in
                state.recent[org, default: RecentTraces(limit: recentPerOrg)].append(indices[...], of: batch.traces)
            }
            keep(usage, into: &state)
            tally.apply(to: &state.families, cumulative: &state.requestSums)
            let pipeline = [source]
            state.families[family: .written].set(Double(batch.written), pipeline)
            state.families[family: .dropped].add(Double(batch.dropped), pipeline)
            state.families[family: .unattributed].add(unattributed, pipeline)
            state.families[family: .capacity].set(Double(batch.capacity), pipeline)
            state.families[family: .lag].set(Double(batch.written - batch.nextCursor), pipeline)
            state.families[family: .fill].set(Double(min(batch.written, UInt64(batch.capacity))) / Double(max(1, batch.capacity)), pipeline)
            state.families[family: .scrapeDuration].set(Double(scrapeDuration.nanosecondsValue) / 1e9, pipeline)
            state.families[family: .scrapes].add(1, pipeline)
            state.families[family: .scrapeFailures].add(0, pipeline)  // a series at 0 from the first scrape, so a rate over it is never empty
            let connections = batch.connections
            state.families[family: .connectionsOpen].set(Double(connections.open), pipeline)
            state.families[family: .connectionsAccepted].set(Double(connections.accepted), pipeline)
            state.families[family: .connectionsRefused].set(Double(connections.refused), pipeline)
            for closure in ConnectionCounters.Closure.allCases {
                state.families[family: .connectionsClosed].set(Double(connections.closed[closure.rawValue]), pipeline + [closure.description])
            }
        }
    }

    /// Adds a batch's per-minute usage; usage older than the window behind the newest minute is dropped.
    private func keep(_ usage: borrowing SeriesTally<UsageKey, UsageCounts>, into state: inout State) {
        var newest = Int64.min
        usage.forEach { key, counts in
            state.usage[key, default: UsageCounts()].add(counts)
            newest = max(newest, key.minute)
        }
        guard newest > state.newestMinute else { return }
        state.newestMinute = newest
        let oldest = newest - usageWindowMinutes
        state.usage = state.usage.filter { $0.key.minute > oldest }
    }
}
