import struct Foundation.URL

extension ProviderConfig {
    /// The host of ``baseURL`` (without port or user), e.g. `api.openai.com`; nil without a base URL.
    public var host: String? { baseURL.flatMap { URL(string: $0)?.host(percentEncoded: false) } }
}
