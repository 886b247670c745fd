import Telemetry

/// A trace as it waits for export: its place in a collected batch (``ExportBatch``), which the
/// queues share, and which of the batch's tags it carries. Queuing one retains the batch once,
/// where a copy of the trace would retain each of its strings.
struct ExportedTrace: Sendable {
    /// The batch that holds the trace.
    let batch: ExportBatch
    /// The trace's index in the batch.
    let index: Int
    /// The index of its tags in the batch.
    let tag: Int

    /// The owning org (``GatewayModel/OrgMapping/unattributed`` when none).
    var org: String { batch.tags[tag].org }

    /// The spans it becomes: the root, one per gate, and the upstream exchange when a provider was tried.
    var spanCount: Int {
        // Read in place: the trace taken whole would be a copy.
        batch.traces.withUnsafeBufferPointer { traces in 1 + traces[index].gateCount + (traces[index].attempts > 0 ? 1 : 0) }
    }
}

extension ExportedTrace {
    /// `trace` alone in a batch of its own, with the tags given.
    init(trace: RequestTrace, org: String, providerKind: String?, serverAddress: String?) {
        let batch = ExportBatch(traces: [trace], tags: [ExportBatch.Tags(org: org, providerKind: providerKind, serverAddress: serverAddress)])
        self.init(batch: batch, index: 0, tag: 0)
    }
}
