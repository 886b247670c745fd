import GatewayModel

extension ConfigReader {
    /// An `{ otlp: [...] }` mapping of export destinations.
    func readExport(_ value: YAMLValue) -> ExportSettings? {
        guard let fields = value.fields(allowed: ["otlp"]) else { return nil }
        let destinations = fields["otlp"]?.list ?? []
        checkUnique(destinations, key: "name", what: "OTLP destination name")
        return ExportSettings(otlp: destinations.compactMap(readOTLPDestination))
    }

    /// One OTLP/HTTP destination.
    func readOTLPDestination(_ value: YAMLValue) -> OTLPDestination? {
        let allowed = ["name", "endpoint", "signals", "compression", "headers", "headersEnv", "timeoutSeconds", "queueSpans", "metricsIntervalSeconds"]
        guard let fields = value.fields(allowed: allowed) else { return nil }
        let name = fields.required("name")?.identifier
        let endpoint = fields.required("endpoint").flatMap(readHTTPURL)
        var destination = OTLPDestination(name: name ?? "", endpoint: endpoint ?? "")
        if let signals = fields["signals"] {
            let items = signals.list ?? []
            if signals.list != nil && items.isEmpty { signals.fail("signals need traces, metrics or both; leave signals out for both") }
            destination.signals = items.compactMap { item in readChoice(item, as: OTLPDestination.Signal.self) }
        }
        if let compression = fields["compression"].flatMap({ readChoice($0, as: OTLPDestination.Compression.self) }) {
            destination.compression = compression
        }
        for (header, field) in fields["headers"]?.entries ?? [] {
            guard let text = field.string else { continue }
            if checkHeader(header, at: field), checkHeaderValue(text, at: field) { destination.headers[header.lowercased()] = text }
        }
        destination.headersEnv = readHeadersEnv(fields["headersEnv"])
        if let seconds = fields["timeoutSeconds"]?.positiveSeconds { destination.timeoutSeconds = seconds }
        if let spans = fields["queueSpans"]?.int(in: 1...(1 << 20)) { destination.queueSpans = spans }
        if let seconds = fields["metricsIntervalSeconds"]?.positiveSeconds { destination.metricsIntervalSeconds = seconds }
        guard name != nil, endpoint != nil else { return nil }
        return destination
    }

    /// A `{ header: VARIABLE }` mapping: header values read from environment variables, never written in configuration.
    func readHeadersEnv(_ value: YAMLValue?) -> [String: String] {
        var headers: [String: String] = [:]
        for (header, variable) in value?.entries ?? [] {
            guard let name = variable.string else { continue }
            guard checkHeader(header, at: variable) else { continue }
            if name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
                headers[header.lowercased()] = name
            } else {
                variable.fail("'\(name)' is not an environment variable name")
            }
        }
        return headers
    }

    private func readChoice<Choice: RawRepresentable & CaseIterable>(_ value: YAMLValue, as: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let text = value.string else { return nil }
        guard let choice = Choice(rawValue: text) else {
            value.fail("unknown value '\(text)'; expected one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return choice
    }

    /// Whether `name` is an HTTP field name the exporter may set (not one it sets itself).
    private func checkHeader(_ name: String, at value: YAMLValue) -> Bool {
        let token = "!#$%&'*+-.^_`|~"
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || token.unicodeScalars.contains($0)) }
        guard valid else {
            value.fail("'\(name)' is not an HTTP header name")
            return false
        }
        guard !["content-type", "content-encoding", "content-length", "host", "user-agent"].contains(name.lowercased()) else {
            value.fail("the exporter sets '\(name)' itself")
            return false
        }
        return true
    }

    private func checkHeaderValue(_ text: String, at value: YAMLValue) -> Bool {
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            value.fail("a header value must not hold control characters")
            return false
        }
        return true
    }
}
