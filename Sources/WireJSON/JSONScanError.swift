/// Why a body is not valid JSON, and where.
public struct JSONScanError: Error, Equatable, Sendable {
    /// Byte offset of the problem.
    public var offset: Int
    /// What is wrong.
    public var problem: String
    /// The problem of a document with nothing but white space.
    public static let emptyProblem = "the body is empty"
    /// The field named twice, when that is the problem.
    public var duplicateField: String?

    /// Creates an error at `offset`.
    public init(offset: Int, problem: String) {
        self.offset = offset
        self.problem = problem
    }
}
