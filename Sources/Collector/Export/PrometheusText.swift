/// Renders metric families in the Prometheus text exposition format (0.0.4) or OpenMetrics 1.0.
public enum PrometheusText {
    /// The exposition format.
    public enum Format: Sendable {
        /// `text/plain; version=0.0.4`.
        case text
        /// `application/openmetrics-text; version=1.0.0`.
        case openMetrics

        /// The format a scraper asks for in its `Accept` header.
        public init(accept: String?) {
            self = (accept?.contains("application/openmetrics-text") ?? false) ? .openMetrics : .text
        }

        /// The response content type.
        public var contentType: String {
            switch self {
            case .text: "text/plain; version=0.0.4; charset=utf-8"
            case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
            }
        }
    }

    /// The exposition of `families`; families without series are left out.
    public static func render(_ families: [MetricFamily], format: Format) -> String {
        var out = ""
        out.reserveCapacity(4096)
        for family in families where !family.values.isEmpty || !family.histograms.isEmpty {
            let familyName = format == .openMetrics && family.kind == .counter ? String(family.name.dropLast(6)) : family.name
            out += "# HELP \(familyName) \(family.help)\n# TYPE \(familyName) \(family.kind.rawValue)\n"
            switch family.kind {
            case .counter, .gauge:
                for (labels, value) in family.values.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    out += "\(family.name)\(labelText(family.labelNames, labels)) \(number(value))\n"
                }
            case .histogram:
                for (labels, histogram) in family.histograms.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    var cumulative: UInt64 = 0
                    for (index, bound) in histogram.bounds.enumerated() {
                        cumulative += histogram.counts[index]
                        out += "\(family.name)_bucket\(labelText(family.labelNames + ["le"], labels + [number(bound)])) \(cumulative)\n"
                    }
                    out += "\(family.name)_bucket\(labelText(family.labelNames + ["le"], labels + ["+Inf"])) \(histogram.count)\n"
                    out += "\(family.name)_sum\(labelText(family.labelNames, labels)) \(number(histogram.sum))\n"
                    out += "\(family.name)_count\(labelText(family.labelNames, labels)) \(histogram.count)\n"
                }
            }
        }
        if format == .openMetrics { out += "# EOF\n" }
        return out
    }

    private static func labelText(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        var text = "{"
        for (index, name) in names.enumerated() {
            if index > 0 { text += "," }
            text += "\(name)=\"\(escape(values[index]))\""
        }
        return text + "}"
    }

    private static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A sample value: integers without a fraction, others in shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
