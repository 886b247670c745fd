import Guardrails
import NIOCore
import Telemetry
import WireJSON

/// Output guardrails on a streamed answer, as it flows: the answer's text (the first choice's
/// `delta.content`) is scanned as it grows, and events are released only once the text they carry
/// lies ``holdBack`` bytes behind the newest text and outside any match still in progress. So a
/// value split across chunks is caught before any of it reaches the client: a redacted match
/// reaches it as its placeholder, a blocked one ends the stream with an error event in the gateway's
/// error shape (gate `guardrails`) and no `[DONE]`. Events without text keep their place in order.
///
/// A plain state machine: bytes in, bytes to relay out; unit-tested without sockets.
struct StreamGuard {
    /// Bytes of answer text held back: longer than the values the detectors know before they match
    /// (an e-mail's local part, a card, a key's fixed prefix). It delays the first text by the time
    /// the provider takes to stream this much more (about 30 tokens), or to the end of the answer.
    static let holdBack = 128

    /// What to relay after one call.
    enum Step: Equatable {
        /// Relay these bytes (maybe none) and go on.
        case relay(ByteBuffer)
        /// Relay these bytes, then the error event, and end the stream.
        case blocked(ByteBuffer, GuardrailFinding)
        /// The provider sent text that cannot be checked (a field twice): end the stream with an error.
        case refused(MessageText.Ambiguity)
    }

    private struct Event {
        var raw: [UInt8]
        /// The event's text: its bytes of ``text`` and where its string literal sits in `raw`.
        var content: (text: Range<Int>, literal: Range<Int>)?
    }

    private let scanner: GuardrailScanner
    private var partial: [UInt8] = []
    private var queue: [Event] = []
    private var text: [UInt8] = []
    private var released = 0
    /// Placed matches not yet released, from the latest scan.
    private var pending: [GuardrailMatch] = []
    /// Matches without a place (prompt injection, deny phrases) already counted, by check and type.
    private var counted: Set<String> = []
    /// What was found, for the trace: counted when released or when it blocks.
    private(set) var findings: [GuardrailFinding] = []
    /// The stream was blocked: nothing more passes.
    private var stopped = false
    /// An event whose text cannot be checked.
    private var ambiguity: MessageText.Ambiguity?

    /// A guard applying `scanner`'s rules to an OpenAI chat stream, or to a Messages stream
    /// (the text of each `content_block_delta`) when `messages`.
    init(scanner: GuardrailScanner, messages: Bool = false) {
        self.scanner = scanner
        self.messages = messages
    }

    /// The stream is Anthropic Messages events.
    private let messages: Bool

    /// Takes the next bytes of the stream.
    mutating func feed(_ bytes: ByteBuffer) -> Step {
        guard !stopped else { return .relay(ByteBuffer()) }
        partial += bytes.readableBytesView
        var added = false
        while let end = Self.eventEnd(in: partial) {
            enqueue(Array(partial[..<end]))
            partial.removeFirst(end)
            added = true
        }
        if let ambiguity { return refuse(ambiguity) }
        return added ? advance(final: false) : .relay(ByteBuffer())
    }

    /// Ends the stream: everything held is scanned without a hold-back and released.
    mutating func finish() -> Step {
        guard !stopped else { return .relay(ByteBuffer()) }
        if !partial.isEmpty {
            enqueue(partial)
            partial = []
        }
        if let ambiguity { return refuse(ambiguity) }
        return advance(final: true)
    }

    /// Where the first complete event of `bytes` ends (after its blank line), if one is complete.
    private static func eventEnd(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A {
                if bytes[index + 1] == 0x0A { return index + 2 }
                if bytes[index + 1] == 0x0D, index + 2 < bytes.count, bytes[index + 2] == 0x0A { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    private mutating func enqueue(_ raw: [UInt8]) {
        var event = Event(raw: raw)
        raw.withUnsafeBufferPointer { bytes in
            guard let data = Self.dataRange(in: bytes) else { return }
            let payload = UnsafeBufferPointer(rebasing: bytes[data])
            let found: MessageText?
            do throws(MessageText.Ambiguity) {
                found = try messages ? MessageText.messagesDeltaSlot(in: payload) : MessageText.deltaSlot(in: payload)
            } catch {
                ambiguity = error
                return
            }
            guard let slot = found else { return }
            let literal = (slot.literal.lowerBound + data.lowerBound)..<(slot.literal.upperBound + data.lowerBound)
            let decoded = JSONString.unescapedUTF8WithOffsets(bytes[(literal.lowerBound + 1)..<(literal.upperBound - 1)]).utf8
            event.content = (text.count..<(text.count + decoded.count), literal)
            text += decoded
        }
        queue.append(event)
    }

    /// The JSON after `data:` on the event's data line; nil for comments, `[DONE]` and other lines.
    private static func dataRange(in event: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var lineStart = 0
        while lineStart < event.count {
            var lineEnd = lineStart
            while lineEnd < event.count, event[lineEnd] != 0x0A { lineEnd += 1 }
            let prefix = Array("data:".utf8)
            if lineEnd - lineStart > prefix.count, prefix.indices.allSatisfy({ event[lineStart + $0] == prefix[$0] }) {
                var start = lineStart + prefix.count
                while start < lineEnd, event[start] == 0x20 { start += 1 }
                var end = lineEnd
                if end > start, event[end - 1] == 0x0D { end -= 1 }
                return start < end && event[start] == UInt8(ascii: "{") ? start..<end : nil
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// Scans the unreleased text, decides, and releases what is safe.
    private mutating func advance(final: Bool) -> Step {
        let windowStart = max(0, released - Self.holdBack)
        let matches = text[windowStart...].withContiguousStorageIfAvailable { scanner.scan($0) } ?? scanner.scan(Array(text[windowStart...]))
        pending = []
        var safe = final ? text.count : max(released, text.count - Self.holdBack)
        for var match in matches {
            guard let range = match.range else {
                let key = "\(match.check.rawValue)/\(match.typeName)"
                guard !counted.contains(key) else { continue }
                counted.insert(key)
                let finding = TextInspection.finding(match, rules: scanner.rules, direction: .output, message: 0)
                findings.append(finding)
                if finding.action == .block { return block(finding) }
                continue
            }
            let absolute = (range.lowerBound + windowStart)..<(range.upperBound + windowStart)
            guard absolute.lowerBound >= released else { continue }  // scanned, and released, before
            match.range = absolute
            pending.append(match)
            // A match that reaches the newest text may still grow, or stop being one.
            let open = !final && absolute.upperBound == text.count
            if open || absolute.upperBound > safe {
                safe = min(safe, absolute.lowerBound)
            } else if scanner.rules.action(of: match.check) == .block {
                let finding = TextInspection.finding(match, rules: scanner.rules, direction: .output, message: 0)
                findings.append(finding)
                return block(finding)
            }
        }
        return .relay(release(upTo: max(safe, released)))
    }

    /// Releases the queued events whose text ends by `safe`, in order, with their matches redacted.
    private mutating func release(upTo safe: Int) -> ByteBuffer {
        var out = ByteBuffer()
        while let event = queue.first {
            guard let content = event.content else {
                out.writeBytes(event.raw)
                queue.removeFirst()
                continue
            }
            guard content.text.upperBound <= safe else { break }
            queue.removeFirst()
            let overlapping = pending.filter { $0.range!.overlaps(content.text) || ($0.range!.isEmpty && content.text.contains($0.range!.lowerBound)) }
            for match in overlapping where match.range!.lowerBound >= content.text.lowerBound {
                findings.append(TextInspection.finding(match, rules: scanner.rules, direction: .output, message: 0))
            }
            let redacting = overlapping.filter { scanner.rules.action(of: $0.check) == .redact }
            if redacting.isEmpty {
                out.writeBytes(event.raw)
            } else {
                out.writeBytes(event.raw[..<content.literal.lowerBound])
                out.writeString(JSONString.quoted(redacted(content.text, redacting)))
                out.writeBytes(event.raw[content.literal.upperBound...])
            }
            released = content.text.upperBound
        }
        return out
    }

    /// The text of `range` with each match's bytes replaced by its placeholder, put where the match starts.
    private func redacted(_ range: Range<Int>, _ matches: [GuardrailMatch]) -> String {
        var out: [UInt8] = []
        var cursor = range.lowerBound
        for match in matches.sorted(by: { $0.range!.lowerBound < $1.range!.lowerBound }) {
            let place = match.range!
            // The placeholder goes where the match starts; the event that holds its start carries it.
            if place.lowerBound >= range.lowerBound {
                out += text[cursor..<max(cursor, place.lowerBound)]
                out += Array(match.placeholder.utf8)
            }
            cursor = max(cursor, min(place.upperBound, range.upperBound))
        }
        out += text[cursor..<range.upperBound]
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func refuse(_ ambiguity: MessageText.Ambiguity) -> Step {
        queue = []
        partial = []
        stopped = true
        return .refused(ambiguity)
    }

    private mutating func block(_ finding: GuardrailFinding) -> Step {
        queue = []
        partial = []
        stopped = true
        return .blocked(ByteBuffer(), finding)
    }
}
