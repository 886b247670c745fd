import NIOCore

/// Watches an SSE stream as it is relayed and picks up the `usage` of the final chunk.
///
/// Only lines holding `"usage"` are parsed; a partial line is kept across chunk boundaries, up
/// to a bound, so a pathological stream cannot grow it without limit.
struct StreamUsageMeter {
    /// The usage reported by the stream, once seen.
    private(set) var usage: TokenUsage?
    /// `data:` events seen, about one output token each: the estimate when no usage arrives.
    private(set) var events = 0
    private var pending: [UInt8] = []
    private static let maxLine = 1 << 20

    /// Feeds the next chunk of the stream.
    mutating func feed(_ chunk: ByteBuffer) {
        chunk.withUnsafeReadableBytes { raw in
            var lineStart = 0
            for (offset, byte) in raw.enumerated() where byte == UInt8(ascii: "\n") {
                if pending.isEmpty {
                    inspect(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[lineStart..<offset]))
                } else {
                    pending.append(contentsOf: raw[lineStart..<offset])
                    pending.withUnsafeBufferPointer { inspect($0) }
                    pending.removeAll(keepingCapacity: true)
                }
                lineStart = offset + 1
            }
            if lineStart < raw.count, pending.count + raw.count - lineStart <= Self.maxLine {
                pending.append(contentsOf: raw[lineStart...])
            }
        }
    }

    private mutating func inspect(_ line: UnsafeBufferPointer<UInt8>) {
        var start = 0
        let prefix = Array("data:".utf8)
        guard line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) else { return }
        events += 1
        start = prefix.count
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        var end = line.count
        if end > start, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let data = UnsafeBufferPointer(rebasing: line[start..<end])
        guard Self.contains(data, "\"usage\"") else { return }
        if let usage = TokenUsage.parse(responseObject: data) { self.usage = usage }
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard haystack.count >= count else { return false }
        let first = needle.utf8Start[0]
        var index = 0
        while index <= haystack.count - count {
            if haystack[index] == first, (1..<count).allSatisfy({ haystack[index + $0] == needle.utf8Start[$0] }) { return true }
            index += 1
        }
        return false
    }
}
