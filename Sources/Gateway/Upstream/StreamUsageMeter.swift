import NIOCore
import WireJSON

/// Watches an SSE stream as it is relayed, picks up the `usage` of the final chunk and, when the
/// client did not ask for it, cuts that usage-only chunk (`"choices": []`) out of what it relays:
/// the gateway asked the provider for it, and a client loop over `chunk.choices[0]` would fail on it.
///
/// Only lines holding `"usage"` are parsed. A partial line is kept across chunk boundaries, up to
/// a bound, so a pathological stream cannot grow it without limit; a longer line is passed on
/// uninspected.
struct StreamUsageMeter {
    /// The usage reported by the stream: the last valid one seen, else invalid if one was, else absent.
    private(set) var usage = TokenUsage.Reading.absent
    /// `data:` events seen, about one output token each: the estimate when no usage arrives.
    private(set) var events = 0
    /// Whether the usage-only chunk is cut from the relayed stream.
    let stripsUsageChunk: Bool
    /// The stream is Anthropic Messages events, whose usage is gathered across events.
    let messages: Bool
    private var messagesUsage = MessagesUsage()
    private var pending: [UInt8] = []
    /// The current line passed ``maxLine``: the rest of it is relayed as it comes.
    private var overlong = false
    /// A usage-only event was cut: its blank terminating line goes too.
    private var cutsBlankLine = false
    private static let maxLine = 1 << 20

    /// A meter that relays the stream unchanged, or cuts the usage-only chunk when `stripsUsageChunk`;
    /// of a Messages stream when `messages`.
    init(stripsUsageChunk: Bool = false, messages: Bool = false) {
        self.stripsUsageChunk = stripsUsageChunk && !messages
        self.messages = messages
    }

    /// Feeds the next chunk of the stream; returns what to relay to the client.
    @discardableResult
    mutating func feed(_ chunk: ByteBuffer) -> ByteBuffer {
        // Most chunks hold whole events and no empty `choices`: they are relayed as they are.
        let plain = !stripsUsageChunk || (pending.isEmpty && !overlong && !cutsBlankLine && chunk.readableBytesView.last == UInt8(ascii: "\n")
            && !chunk.withUnsafeReadableBytes { Self.hasEmptyChoices($0.bindMemory(to: UInt8.self)) })
        guard !plain else {
            observe(chunk)
            return chunk
        }
        var out = ByteBuffer()
        out.reserveCapacity(chunk.readableBytes + pending.count)
        chunk.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            for offset in bytes.indices where bytes[offset] == UInt8(ascii: "\n") {
                defer { lineStart = offset + 1 }
                if overlong {
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[lineStart...offset]))
                    overlong = false
                    continue
                }
                if pending.isEmpty {
                    if relays(UnsafeBufferPointer(rebasing: bytes[lineStart..<offset])) {
                        out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[lineStart...offset]))
                    }
                } else {
                    pending.append(contentsOf: bytes[lineStart...offset])
                    if pending.withUnsafeBufferPointer({ relays(UnsafeBufferPointer(rebasing: $0.dropLast())) }) { out.writeBytes(pending) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            let rest = UnsafeRawBufferPointer(rebasing: raw[lineStart...])
            if overlong {
                out.writeBytes(rest)
            } else if pending.count + rest.count > Self.maxLine {
                out.writeBytes(pending)
                out.writeBytes(rest)
                pending.removeAll()
                overlong = true
            } else {
                pending.append(contentsOf: rest)
            }
        }
        return out
    }

    /// What is left of a stream that ended without a final newline, to relay after the last chunk.
    mutating func finish() -> ByteBuffer? {
        guard stripsUsageChunk, !pending.isEmpty else { return nil }
        defer { pending = [] }
        return pending.withUnsafeBufferPointer { relays($0) } ? ByteBuffer(bytes: pending) : nil
    }

    /// Observes a chunk relayed unchanged.
    private mutating func observe(_ chunk: ByteBuffer) {
        chunk.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            for offset in bytes.indices where bytes[offset] == UInt8(ascii: "\n") {
                if pending.isEmpty {
                    _ = relays(UnsafeBufferPointer(rebasing: bytes[lineStart..<offset]))
                } else {
                    pending.append(contentsOf: bytes[lineStart..<offset])
                    _ = pending.withUnsafeBufferPointer { relays($0) }
                    pending.removeAll(keepingCapacity: true)
                }
                lineStart = offset + 1
            }
            if lineStart < bytes.count, pending.count + bytes.count - lineStart <= Self.maxLine {
                pending.append(contentsOf: bytes[lineStart...])
            }
        }
    }

    /// Inspects one line (without its newline); returns whether it is relayed.
    private mutating func relays(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        if cutsBlankLine {
            cutsBlankLine = false
            if line.isEmpty || (line.count == 1 && line[0] == UInt8(ascii: "\r")) { return false }
        }
        let prefix: StaticString = "data:"
        guard line.count > prefix.utf8CodeUnitCount, Self.starts(line, with: prefix) else { return true }
        events += 1
        var start = prefix.utf8CodeUnitCount
        while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        var end = line.count
        if end > start, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let data = UnsafeBufferPointer(rebasing: line[start..<end])
        guard Self.contains(data, "\"usage\"") else { return true }
        if messages {
            messagesUsage.observe(event: data)
            usage = messagesUsage.reading
            return true
        }
        let (reading, usageOnly) = TokenUsage.parse(chunk: data)
        switch reading {
        case .valid: usage = reading
        case .invalid: if case .absent = usage { usage = .invalid }
        case .absent: break
        }
        guard stripsUsageChunk, usageOnly else { return true }
        cutsBlankLine = true
        return false
    }

    /// Whether `bytes` hold `"choices"`, a colon and an empty array, white space allowed.
    private static func hasEmptyChoices(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let key: StaticString = "\"choices\""
        let count = key.utf8CodeUnitCount
        var index = 0
        while index + count <= bytes.count {
            defer { index += 1 }
            guard (0..<count).allSatisfy({ bytes[index + $0] == key.utf8Start[$0] }) else { continue }
            var cursor = index + count
            for expected in [UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]")] {
                while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 }
                guard cursor < bytes.count, bytes[cursor] == expected else { break }
                cursor += 1
                if expected == UInt8(ascii: "]") { return true }
            }
        }
        return false
    }

    private static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        (0..<prefix.utf8CodeUnitCount).allSatisfy { line[$0] == prefix.utf8Start[$0] }
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
