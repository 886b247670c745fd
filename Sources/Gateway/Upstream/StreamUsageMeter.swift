import Glibc
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
        guard stripsUsageChunk else {
            observe(chunk)
            return chunk
        }
        return chunk.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // While every line so far is relayed as it came, what is relayed is the chunk itself:
            // `out` is made only when a line is cut or held back.
            var out: ByteBuffer?
            func diverge(at end: Int) {
                guard out == nil else { return }
                out = ByteBuffer()
                out!.reserveCapacity(raw.count + pending.count)
                out!.writeBytes(UnsafeRawBufferPointer(rebasing: raw[..<end]))
            }
            var lineStart = 0
            while let offset = Self.newline(in: bytes, from: lineStart) {
                defer { lineStart = offset + 1 }
                if overlong {
                    out?.writeBytes(UnsafeRawBufferPointer(rebasing: raw[lineStart...offset]))
                    overlong = false
                } else if pending.isEmpty {
                    if relays(UnsafeBufferPointer(rebasing: bytes[lineStart..<offset])) {
                        out?.writeBytes(UnsafeRawBufferPointer(rebasing: raw[lineStart...offset]))
                    } else {
                        diverge(at: lineStart)
                    }
                } else {
                    // The line began in an earlier chunk, which held its start back.
                    diverge(at: lineStart)
                    pending.append(contentsOf: bytes[lineStart...offset])
                    if pending.withUnsafeBufferPointer({ relays(UnsafeBufferPointer(rebasing: $0.dropLast())) }) { out!.writeBytes(pending) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            let rest = UnsafeRawBufferPointer(rebasing: raw[lineStart...])
            if overlong {
                out?.writeBytes(rest)
            } else if pending.count + rest.count > Self.maxLine {
                diverge(at: lineStart)
                out!.writeBytes(pending)
                out!.writeBytes(rest)
                pending.removeAll()
                overlong = true
            } else if !rest.isEmpty {
                diverge(at: lineStart)
                pending.append(contentsOf: rest)
            }
            return out ?? chunk
        }
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
            while let offset = Self.newline(in: bytes, from: lineStart) {
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
        guard Self.find("\"usage\"", anchor: 4, in: data) != nil else { return true }
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

    private static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        line.count >= prefix.utf8CodeUnitCount && memcmp(line.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// The offset of the first `needle` in `bytes`, searched by its byte at `anchor` (a rare one is fastest).
    private static func find(_ needle: StaticString, anchor: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = needle.utf8CodeUnitCount
        var from = anchor
        while let found = first(needle.utf8Start[anchor], in: bytes, from: from), found - anchor + count <= bytes.count {
            if memcmp(bytes.baseAddress! + found - anchor, needle.utf8Start, count) == 0 { return found - anchor }
            from = found + 1
        }
        return nil
    }

    /// The offset of the first newline in `bytes` at or after `from`.
    private static func newline(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        first(UInt8(ascii: "\n"), in: bytes, from: from)
    }

    /// The offset of the first `byte` in `bytes` at or after `from`.
    private static func first(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = bytes.baseAddress, from < bytes.count,
            let found = memchr(base + from, Int32(byte), bytes.count - from)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
