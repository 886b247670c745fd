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
    init(_ key: String, _ value: Double) { (self.key, self.value) = (key, .double(value)) }
    init(_ key: String, _ value: Bool) { (self.key, self.value) = (key, .bool(value)) }

    /// Writes the attribute as field `field` of the enclosing message.
    func write(_ field: Int, to writer: inout ProtobufWriter) {
        writer.message(field) { keyValue in
            keyValue.string(1, key)
            keyValue.message(2) { any in
                switch value {
                case .string(let text): any.string(1, text, always: true)
                case .bool(let flag): any.bool(2, flag, always: true)
                case .int(let number): any.int64(3, number, always: true)
                case .double(let number): any.double(4, number)
                }
            }
        }
    }
}
