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
        // Room for every line at about 128 bytes, so the bytes are not copied as they grow.
        let lines = families.reduce(0) { lines, family in
            lines + family.values.count + family.histograms.count * ((family.histograms.first?.value.bounds.count ?? 0) + 3)
        }
        var out = Output(capacity: 1024 + lines * 128)
        for family in families where !family.values.isEmpty || !family.histograms.isEmpty {
            let familyName = format == .openMetrics && family.kind == .counter ? String(family.name.dropLast(6)) : family.name
            for part in ["# HELP ", familyName, " ", family.help, "\n# TYPE ", familyName, " ", family.kind.rawValue, "\n"] { out.append(part) }
            switch family.kind {
            case .counter, .gauge:
                for (labels, value) in family.values.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    out.appendSeries(family.name, "", family.labelNames, labels)
                    out.append(number: value)
                    out.append("\n")
                }
            case .histogram:
                guard let bounds = family.histograms.first?.value.bounds else { continue }
                // The `le` values are the same for every series of the family: format them once.
                let boundTexts = bounds.map { number($0) }
                for (labels, histogram) in family.histograms.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    // The series' labels and `le="`, written once and copied for each bucket.
                    var prefix = Output(capacity: 128)
                    prefix.append(family.name)
                    prefix.append("_bucket")
                    prefix.appendLabels(family.labelNames, labels, closing: false)
                    prefix.append(labels.isEmpty ? "{le=\"" : ",le=\"")
                    var cumulative: UInt64 = 0
                    for index in boundTexts.indices {
                        cumulative &+= histogram.counts[index]
                        out.append(prefix)
                        out.append(boundTexts[index])
                        out.append("\"} ")
                        out.append(integer: cumulative)
                        out.append("\n")
                    }
                    out.append(prefix)
                    out.append("+Inf\"} ")
                    out.append(integer: histogram.count)
                    out.append("\n")
                    out.appendSeries(family.name, "_sum", family.labelNames, labels)
                    out.append(number: histogram.sum)
                    out.append("\n")
                    out.appendSeries(family.name, "_count", family.labelNames, labels)
                    out.append(integer: histogram.count)
                    out.append("\n")
                }
            }
        }
        if format == .openMetrics { out.append("# EOF\n") }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A sample value: integers without a fraction, others in shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The exposition's bytes as they are written: strings are copied in as UTF-8, integers
    /// written as digits, with no string made for either.
    private struct Output {
        private(set) var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func append(_ text: String) {
            if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: text.utf8) }
        }

        mutating func append(_ other: Output) { bytes.append(contentsOf: other.bytes) }

        /// A sample line up to its value: `name` and `suffix`, the labels, a space.
        mutating func appendSeries(_ name: String, _ suffix: String, _ labelNames: [String], _ labels: [String]) {
            append(name)
            append(suffix)
            appendLabels(labelNames, labels, closing: true)
            bytes.append(UInt8(ascii: " "))
        }

        /// `{name="value",...`, with the closing brace when `closing`; nothing for no labels.
        /// Values are escaped as the format asks (`\\`, `\"`, `\n`).
        mutating func appendLabels(_ names: [String], _ values: [String], closing: Bool) {
            guard !names.isEmpty else { return }
            bytes.append(UInt8(ascii: "{"))
            for index in names.indices {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(names[index])
                bytes.append(UInt8(ascii: "="))
                bytes.append(UInt8(ascii: "\""))
                appendEscaped(values[index])
                bytes.append(UInt8(ascii: "\""))
            }
            if closing { bytes.append(UInt8(ascii: "}")) }
        }

        private mutating func appendEscaped(_ value: String) {
            guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
                return append(value)
            }
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case UInt8(ascii: "\n"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "n"))
                default:
                    bytes.append(byte)
                }
            }
        }

        /// A sample value as ``PrometheusText/number(_:)`` writes it; integers as digits in place.
        mutating func append(number value: Double) {
            if value == value.rounded(), abs(value) < 1e15 {
                let integer = Int64(value)
                if integer < 0 { bytes.append(UInt8(ascii: "-")) }
                append(integer: integer.magnitude)
            } else {
                append(PrometheusText.number(value))
            }
        }

        mutating func append(integer value: UInt64) {
            var value = value
            // The digits, last first, in 20 bytes of stack: a UInt64 has at most 20.
            var scratch: (UInt64, UInt64, UInt32) = (0, 0, 0)
            withUnsafeMutableBytes(of: &scratch) { scratch in
                var index = scratch.count
                repeat {
                    index -= 1
                    scratch[index] = UInt8(truncatingIfNeeded: value % 10) + UInt8(ascii: "0")
                    value /= 10
                } while value > 0
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
            }
        }
    }
}
