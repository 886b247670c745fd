/// One metric family: its name, help, type, label names and series.
public struct MetricFamily: Sendable {
    /// The Prometheus metric type.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// Full name, e.g. `gateway_requests_total`.
    public let name: String
    /// One-line description.
    public let help: String
    /// The type.
    public let kind: Kind
    /// Label names, in the order of each series' values.
    public let labelNames: [String]
    /// Counter and gauge values by label values.
    public internal(set) var values: [[String]: Double] = [:]
    /// Histograms by label values.
    public internal(set) var histograms: [[String]: Histogram] = [:]

    init(_ name: String, _ kind: Kind, _ help: String, labels: [String]) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labelNames = labels
    }

    mutating func add(_ amount: Double, _ labels: [String]) { values[labels, default: 0] += amount }

    mutating func set(_ value: Double, _ labels: [String]) { values[labels] = value }

    /// Adds the observations of `histogram` to the series `labels`.
    mutating func merge(_ histogram: Histogram, _ labels: [String]) {
        histograms[labels, default: Histogram(bounds: histogram.bounds)].merge(histogram)
    }

    /// The family with only the series whose `org` label is `org`; nil when it has no `org` label.
    func only(org: String) -> MetricFamily? {
        guard let index = labelNames.firstIndex(of: "org") else { return nil }
        var copy = self
        copy.values = values.filter { $0.key[index] == org }
        copy.histograms = histograms.filter { $0.key[index] == org }
        return copy
    }
}

extension [MetricFamily] {
    /// The store's family `name`, changed in place.
    subscript(family name: TelemetryStore.Name) -> MetricFamily {
        get { self[name.rawValue] }
        _modify { yield &self[name.rawValue] }
    }
}
