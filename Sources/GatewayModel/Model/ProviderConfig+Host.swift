extension ProviderConfig {
    /// The host of ``baseURL`` (without port or user), e.g. `api.openai.com`; nil without a base URL.
    public var host: String? {
        guard let baseURL, let colon = baseURL.firstIndex(of: ":"), baseURL[colon...].hasPrefix("://") else { return nil }
        var authority = baseURL[baseURL.index(colon, offsetBy: 3)...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        let host = authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }
}
