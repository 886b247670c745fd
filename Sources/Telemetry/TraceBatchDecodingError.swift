/// Why bytes could not be decoded as a trace batch.
public struct TraceBatchDecodingError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// A one-line description for logs and messages.
    public var description: String { message }
}
