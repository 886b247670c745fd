/// What `GET /config/v1/org-mapping` returns to collectors: no key hashes, no provider settings.
public struct OrgMappingDocument: Sendable, Equatable, Codable, VersionedDocument {
    /// The configuration version the mapping was taken from.
    public var version: Int
    /// The mapping.
    public var mapping: OrgMapping

    /// Creates a document.
    public init(version: Int, mapping: OrgMapping) {
        self.version = version
        self.mapping = mapping
    }
}
