import Foundation
import GatewayModel
import NIOCore
import Synchronization

/// One published configuration version, with its wire encodings made once for every reader.
public struct PublishedSnapshot: Sendable {
    /// The document gateways apply.
    public let document: SnapshotDocument
    /// The collectors' view.
    public let mapping: OrgMappingDocument
    /// `document` as JSON.
    public let documentJSON: ByteBuffer
    /// `mapping` as JSON.
    public let mappingJSON: ByteBuffer

    /// Encodes `document` and its org mapping.
    public init(document: SnapshotDocument) {
        self.document = document
        self.mapping = OrgMappingDocument(
            version: document.version, mapping: OrgMapping(config: GatewayConfig(providers: document.providers, orgs: document.orgs)))
        let encoder = DocumentCoding.encoder
        documentJSON = ByteBuffer(bytes: (try? encoder.encode(document)) ?? Data())
        mappingJSON = ByteBuffer(bytes: (try? encoder.encode(mapping)) ?? Data())
    }
}
