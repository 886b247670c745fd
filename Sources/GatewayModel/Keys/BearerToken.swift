import HTTPTypes

/// The one reading of `Authorization: Bearer <token>` that every listener uses (API keys on the
/// data plane, the platform token, org telemetry tokens): the scheme in any case, spaces around
/// the token skipped.
public enum BearerToken {
    /// The token, or nil when the header is absent, of another scheme, or empty.
    public static func parse(_ headers: HTTPFields) -> Substring? {
        guard let value = headers[.authorization]?[...], value.utf8.count > 7 else { return nil }
        let scheme = Array(value.utf8.prefix(7))
        // ASCII letters match in either case (| 0x20 lowers them); the seventh byte is a space.
        guard scheme[6] == 0x20, zip(scheme.prefix(6), "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let token = value.dropFirst(7).drop { $0 == " " || $0 == "\t" }
        let end = token.lastIndex { $0 != " " && $0 != "\t" }
        guard let end else { return nil }
        return token[...end]
    }
}
