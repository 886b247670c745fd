import GatewayModel
import Logging

import struct Foundation.Date

/// One line of the audit log: who changed which object, when, and the version it produced.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// What happened to the object.
    public enum Action: String, Sendable, Codable {
        case created, updated, deleted
        /// A budget's spend was reset.
        case reset
    }
    /// When.
    public var at: Date
    /// Who did it (`x-gateway-actor`).
    public var actor: String
    /// What was done.
    public var action: Action
    /// The object changed.
    public var object: AuditObject
    /// The configuration version the change produced.
    public var version: Int

    /// Creates an entry.
    public init(at: Date, actor: String, action: Action, object: AuditObject, version: Int) {
        self.at = at
        self.actor = actor
        self.action = action
        self.object = object
        self.version = version
    }
}
