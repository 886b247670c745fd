import GatewayModel
import Logging

import struct Foundation.Date

/// What an audit entry is about: a model object (`route/chatbot/gpt-4o`) or a budget's spend (`spend/project/chatbot`).
public struct AuditObject: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The object path, e.g. `org/acme`.
    public let description: String

    /// The entry of a model object.
    public init(_ ref: ObjectRef) { description = ref.description }
    /// The entry named `text`.
    public init(_ text: String) { description = text }

    /// The model object, when the entry is about one.
    public var ref: ObjectRef? { ObjectRef(description) }

    /// Reads the textual form.
    public init(from decoder: any Decoder) throws { description = try decoder.singleValueContainer().decode(String.self) }

    /// Writes the textual form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Orders by the textual form.
    public static func < (lhs: AuditObject, rhs: AuditObject) -> Bool { lhs.description < rhs.description }
}
