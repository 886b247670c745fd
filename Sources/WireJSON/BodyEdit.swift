import NIOCore

/// A replacement of one byte range of a request body, used to rewrite fields without re-encoding.
public struct BodyEdit: Sendable {
    /// Bytes to replace; an empty range inserts.
    public var range: Range<Int>
    /// What goes in their place.
    public var replacement: String

    /// Creates an edit.
    public init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    /// `body` with `edits` applied; edits must not overlap.
    public static func apply(_ edits: some Collection<BodyEdit>, to body: ByteBuffer) -> ByteBuffer {
        guard !edits.isEmpty else { return body }
        var output = ByteBuffer()
        output.reserveCapacity(body.readableBytes + edits.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = 0
        // Edits mostly come in order already; only those that do not are sorted into a new array.
        if zip(edits, edits.dropFirst()).allSatisfy({ $0.range.lowerBound <= $1.range.lowerBound }) {
            for edit in edits { write(edit, of: body, into: &output, after: &cursor) }
        } else {
            for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) { write(edit, of: body, into: &output, after: &cursor) }
        }
        if let rest = body.getSlice(at: body.readerIndex + cursor, length: body.readableBytes - cursor) {
            output.writeImmutableBuffer(rest)
        }
        return output
    }

    /// Writes the bytes of `body` from `cursor` up to `edit`, then its replacement; moves `cursor` past it.
    private static func write(_ edit: BodyEdit, of body: ByteBuffer, into output: inout ByteBuffer, after cursor: inout Int) {
        if let slice = body.getSlice(at: body.readerIndex + cursor, length: edit.range.lowerBound - cursor) {
            output.writeImmutableBuffer(slice)
        }
        output.writeString(edit.replacement)
        cursor = edit.range.upperBound
    }
}
