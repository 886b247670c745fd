import class Foundation.JSONDecoder
import class Foundation.JSONEncoder

/// The JSON coding of every control-plane document (snapshots, org mappings, spend exchanges,
/// admin answers): sorted keys, unescaped slashes, RFC 3339 dates.
public enum DocumentCoding {
    /// A new encoder.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// A new decoder matching ``encoder``.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
