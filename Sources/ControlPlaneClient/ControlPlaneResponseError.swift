/// The control plane answered with a status the client did not expect.
public struct ControlPlaneResponseError: Error, CustomStringConvertible {
    /// The HTTP status.
    public let status: UInt
    /// The start of the answer's body.
    public let body: String

    /// A one-line description for logs and messages.
    public var description: String { "HTTP \(status): \(body.prefix(300))" }
}
