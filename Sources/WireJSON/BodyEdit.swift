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
        return rewrite(body, growingBy: edits.reduce(0) { $0 + $1.replacement.utf8.count }) { output, cursor in
            // Edits mostly come in order already; only those that do not are sorted into a new array.
            if zip(edits, edits.dropFirst()).allSatisfy({ $0.range.lowerBound <= $1.range.lowerBound }) {
                for edit in edits { write(edit, of: body, into: &output, after: &cursor) }
            } else {
                for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) { write(edit, of: body, into: &output, after: &cursor) }
            }
        }
    }

    /// `body` with `first` applied and then `second`, which comes after it: the one or two edits
    /// of a request's own rewrite, without a collection to hold them.
    public static func apply(_ first: BodyEdit, then second: BodyEdit?, to body: ByteBuffer) -> ByteBuffer {
        rewrite(body, growingBy: first.replacement.utf8.count + (second?.replacement.utf8.count ?? 0)) { output, cursor in
            write(first, of: body, into: &output, after: &cursor)
            if let second { write(second, of: body, into: &output, after: &cursor) }
        }
    }

    /// A copy of `body` made by `edits`, which write the replaced ranges and the bytes before
    /// them and move the cursor past them; the bytes after the cursor follow.
    private static func rewrite(_ body: ByteBuffer, growingBy extra: Int, _ edits: (inout ByteBuffer, inout Int) -> Void) -> ByteBuffer {
        var output = ByteBuffer()
        output.reserveCapacity(body.readableBytes + extra)
        var cursor = 0
        edits(&output, &cursor)
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
