import Synchronization
import Telemetry

extension TelemetryStore {
    /// Metric families, sorted by name: every series when `org` is nil (platform view), else only
    /// that org's series, and no pipeline families.
    public func families(org: String?) -> [MetricFamily] {
        let all = state.withLock { state in state.families.sorted { $0.name < $1.name } }
        guard let org else { return all }
        return all.compactMap { $0.only(org: org) }
    }

    /// Recent traces of `org`, newest first, optionally only those with a span of `gate` (and `decision`).
    public func requests(org: String, gate: String? = nil, decision: Decision? = nil, limit: Int = 50) -> [TaggedTrace] {
        state.withLock { state in
            guard let recent = state.recent[org] else { return [] }
            let matching = recent.newestFirst.lazy.filter { trace in
                guard let gate else { return decision.map { wanted in trace.gates.contains { $0.decision == wanted } } ?? true }
                return trace.gates.contains { $0.gate == gate && (decision == nil || $0.decision == decision) }
            }
            return matching.prefix(max(0, limit)).map { TaggedTrace(org: org, trace: $0) }
        }
    }

    /// The trace of request `id` if it belongs to `org` (any org when nil).
    public func request(id: TraceID, org: String?) -> TaggedTrace? {
        state.withLock { state in
            let lists = org.map { org in state.recent[org].map { [(key: org, value: $0)] } ?? [] } ?? Array(state.recent)
            for (owner, list) in lists {
                if let trace = list.trace(id: id) { return TaggedTrace(org: owner, trace: trace) }
            }
            return nil
        }
    }

    /// Usage of `org` between `from` and `to` (Unix seconds, minute resolution), grouped by the
    /// dimensions in `groupBy` (`project`, `model`), largest request count first.
    public func usage(org: String, from: Int64, to: Int64, groupBy: [String]) -> [UsageRow] {
        let (fromMinute, toMinute) = (from / 60, to / 60)
        let slice = state.withLock { state in
            state.usage.filter { $0.key.org == org && $0.key.minute >= fromMinute && $0.key.minute <= toMinute }
        }
        var groups: [[String: String]: UsageCounts] = [:]
        for (key, counts) in slice {
            var group: [String: String] = [:]
            if groupBy.contains("project") { group["project"] = key.project }
            if groupBy.contains("model") { group["model"] = key.model }
            groups[group, default: UsageCounts()].add(counts)
        }
        // Ties in order of the groups' values by dimension name: a dictionary's own description
        // lists its keys in an order that may differ between two equal dictionaries.
        func order(_ group: [String: String]) -> String { group.keys.sorted().map { "\($0)=\(group[$0]!)" }.joined(separator: "\n") }
        return groups.map { UsageRow(group: $0.key, counts: $0.value) }
            .sorted { ($0.counts.requests, order($1.group)) > ($1.counts.requests, order($0.group)) }
    }
}
