/// One OTLP `KeyValue` attribute.
struct OTLPAttribute: Sendable, Hashable {
    /// An attribute's value.
    enum Value: Sendable, Hashable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }

    let key: String
    let value: Value

    init(_ key: String, _ value: String) { (self.key, self.value) = (key, .string(value)) }
    init(_ key: String, _ value: Int64) { (self.key, self.value) = (key, .int(value)) }

    /// Writes the attribute as field `field` of the enclosing message.
    func write(_ field: Int, to writer: inout ProtobufWriter) { writer.attribute(field, key, value) }
}
