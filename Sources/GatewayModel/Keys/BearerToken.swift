import HTTPTypes

/// The one reading of `Authorization: Bearer <token>` that every listener uses (API keys on the
/// data plane, the platform token, org telemetry tokens): the scheme in any case, spaces around
/// the token skipped.
public enum BearerToken {
    /// The token, or nil when the header is absent, of another scheme, or empty.
    public static func parse(_ headers: HTTPFields) -> Substring? {
        // One field is read as it is; repeated fields as their combined value ("a, b"), as HTTP
        // reads them, which is no token of any key. The combining copy is made only then.
        var single: String?
        for field in headers where field.name == .authorization {
            guard single == nil else {
                single = headers[.authorization]
                break
            }
            single = field.value
        }
        guard let value = single?[...], value.utf8.count > 7 else { return nil }
        // ASCII letters match in either case (| 0x20 lowers them); the seventh byte must be a space,
        // which only a space (or NUL, which no header value holds) meets. No copy on this hot path.
        guard zip(value.utf8.prefix(7), "bearer ".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let token = value.dropFirst(7).drop { $0 == " " || $0 == "\t" }
        let end = token.lastIndex { $0 != " " && $0 != "\t" }
        guard let end else { return nil }
        return token[...end]
    }
}
