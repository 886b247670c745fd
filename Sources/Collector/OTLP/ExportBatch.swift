import GatewayModel
import Telemetry

/// The traces of one collected batch as the export's queues hold them: the batch's own array,
/// which the recent traces share too, and the tags the mapping gave its traces when collected.
/// A queue holds a trace as its index here (``ExportedTrace``), not as a copy.
final class ExportBatch: Sendable {
    /// What the mapping said of a trace's project and provider when it was collected.
    struct Tags: Sendable {
        /// The owning org (``GatewayModel/OrgMapping/unattributed`` when none).
        let org: String
        /// The provider's kind (`gen_ai.provider.name`), if a provider was tried and is configured.
        let providerKind: String?
        /// The host of the provider's base URL (`server.address`).
        let serverAddress: String?
    }

    /// The batch's traces, those not exported included.
    let traces: [RequestTrace]
    /// The distinct tags of its traces.
    let tags: [Tags]

    init(traces: [RequestTrace], tags: [Tags]) {
        self.traces = traces
        self.tags = tags
    }

    /// A destination whose share of a batch is under one part in this many gets copies of its
    /// traces rather than the batch: a queue of a few traces from each of many batches would
    /// otherwise hold every batch whole.
    static let heldShare = 4

    /// The traces of `traces` tagged by `mapping`, those whose org `wanted` accepts, in order.
    static func tagged(_ traces: [RequestTrace], mapping: OrgMapping, wanted: (String) -> Bool) -> [ExportedTrace] {
        var tags: [Tags] = []
        var chosen: [(index: Int, tag: Int)] = []
        chosen.reserveCapacity(traces.count)
        // Consecutive traces mostly name the same project and provider: their tags are reused then.
        var previous: (project: String, provider: String, tag: Int, wanted: Bool)?
        // Read in place: a trace taken whole would be a copy, retaining each of its strings.
        traces.withUnsafeBufferPointer { traces in
            for index in traces.indices {
                let trace = traces.baseAddress! + index
                // An MCP trace names its server where a model request names its provider.
                let provider = trace.pointee.operation == "mcp" ? "" : trace.pointee.provider
                if previous?.project != trace.pointee.projectID || previous?.provider != provider {
                    let org = mapping.orgByProject[trace.pointee.projectID] ?? OrgMapping.unattributed
                    let made = Tags(org: org, providerKind: mapping.providerKinds[provider], serverAddress: mapping.providerHosts[provider])
                    let tag =
                        tags.firstIndex { $0.org == made.org && $0.providerKind == made.providerKind && $0.serverAddress == made.serverAddress }
                        ?? tags.count
                    if tag == tags.count { tags.append(made) }
                    previous = (trace.pointee.projectID, provider, tag, wanted(org))
                }
                if let previous, previous.wanted { chosen.append((index, previous.tag)) }
            }
        }
        let batch = ExportBatch(traces: traces, tags: tags)
        return chosen.map { ExportedTrace(batch: batch, index: $0.index, tag: $0.tag) }
    }

    /// `items`, all of one batch, as a destination's queue should hold them: in that batch when
    /// they are at least its ``heldShare``th part, else copied into a batch of their own.
    static func held(_ items: [ExportedTrace]) -> [ExportedTrace] {
        guard let batch = items.first?.batch, items.count * heldShare < batch.traces.count else { return items }
        let own = ExportBatch(traces: items.map { batch.traces[$0.index] }, tags: batch.tags)
        return items.indices.map { ExportedTrace(batch: own, index: $0, tag: items[$0].tag) }
    }
}
