/// A document that carries the configuration version it was built from.
public protocol VersionedDocument: Sendable, Decodable {
    /// The configuration version.
    var version: Int { get }
}
