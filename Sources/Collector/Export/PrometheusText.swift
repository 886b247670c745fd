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
        out.reserveCapacity(1 << 16)
        for family in families where !family.values.isEmpty || !family.histograms.isEmpty {
            let familyName = format == .openMetrics && family.kind == .counter ? String(family.name.dropLast(6)) : family.name
            out += "# HELP \(familyName) \(family.help)\n# TYPE \(familyName) \(family.kind.rawValue)\n"
            switch family.kind {
            case .counter, .gauge:
                for (labels, value) in family.values.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    out += family.name
                    appendLabels(family.labelNames, labels, closing: true, to: &out)
                    out += " "
                    out += number(value)
                    out += "\n"
                }
            case .histogram:
                guard let bounds = family.histograms.first?.value.bounds else { continue }
                // The `le` values are the same for every series of the family: format them once.
                let boundTexts = bounds.map { number($0) }
                let bucket = family.name + "_bucket"
                for (labels, histogram) in family.histograms.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    var prefix = ""
                    appendLabels(family.labelNames, labels, closing: false, to: &prefix)
                    prefix += labels.isEmpty ? "{le=\"" : ",le=\""
                    var cumulative: UInt64 = 0
                    for index in boundTexts.indices {
                        cumulative += histogram.counts[index]
                        out += bucket
                        out += prefix
                        out += boundTexts[index]
                        out += "\"} "
                        out += String(cumulative)
                        out += "\n"
                    }
                    out += bucket
                    out += prefix
                    out += "+Inf\"} "
                    out += String(histogram.count)
                    out += "\n"
                    for (suffix, value) in [("_sum", number(histogram.sum)), ("_count", String(histogram.count))] {
                        out += family.name
                        out += suffix
                        appendLabels(family.labelNames, labels, closing: true, to: &out)
                        out += " "
                        out += value
                        out += "\n"
                    }
                }
            }
        }
        if format == .openMetrics { out += "# EOF\n" }
        return out
    }

    /// Appends `{name="value",...`, with the closing brace when `closing`; nothing for no labels.
    private static func appendLabels(_ names: [String], _ values: [String], closing: Bool, to out: inout String) {
        guard !names.isEmpty else { return }
        out += "{"
        for index in names.indices {
            if index > 0 { out += "," }
            out += names[index]
            out += "=\""
            out += escape(values[index])
            out += "\""
        }
        if closing { out += "}" }
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
