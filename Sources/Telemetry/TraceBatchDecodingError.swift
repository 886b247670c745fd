/// Why bytes could not be decoded as a trace batch.
public struct TraceBatchDecodingError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public var description: String { message }
}
