extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place for a native string, which holds them
    /// contiguously, without the copy that `withUTF8` makes of a string it may have to rewrite.
    func withUTF8Bytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        var copy = self
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
