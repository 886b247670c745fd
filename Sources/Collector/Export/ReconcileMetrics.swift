import GatewayModel
import struct Foundation.Date

extension MetricFamily {
    /// How the process follows the control plane: the configuration version in force, when it
    /// last fetched successfully, and how many fetches failed.
    public static func reconcile(_ reading: ReconcileStatus.Reading) -> [MetricFamily] {
        var version = MetricFamily("gateway_config_version", .gauge, "Configuration version in force.", labels: [])
        var last = MetricFamily(
            "gateway_config_last_reconcile_timestamp_seconds", .gauge, "Unix time of the last successful fetch from the control plane.",
            labels: [])
        var failures = MetricFamily(
            "gateway_config_reconcile_failures_total", .counter, "Fetches from the control plane that failed.", labels: [])
        if let value = reading.version { version.set(Double(value), []) }
        if let date = reading.lastSuccess { last.set(date.timeIntervalSince1970.rounded(), []) }
        failures.set(Double(reading.failures), [])
        return [version, last, failures]
    }
}

extension MetricFamily {
    /// Whether the control plane's store takes writes that last (0 once its SQLite file was deleted).
    public static func store(healthy: Bool) -> [MetricFamily] {
        var family = MetricFamily("gateway_store_healthy", .gauge, "1 while the store takes writes that last, 0 when it cannot (file deleted).", labels: [])
        family.set(healthy ? 1 : 0, [])
        return [family]
    }
}

extension MetricFamily {
    /// The spend ledger as this data plane sees it: what a crash now would lose, and failed flushes.
    public static func spendLedger(unflushedMicroUSD: Int64, flushFailures: Int) -> [MetricFamily] {
        var unflushed = MetricFamily(
            "gateway_spend_unflushed_usd", .gauge, "Spend settled here but not yet written to the ledger (lost by a crash now).", labels: [])
        var failures = MetricFamily("gateway_spend_flush_failures_total", .counter, "Spend batches that could not be written to the ledger.", labels: [])
        unflushed.set(Double(unflushedMicroUSD) / 1e6, [])
        failures.set(Double(flushFailures), [])
        return [unflushed, failures]
    }
}
