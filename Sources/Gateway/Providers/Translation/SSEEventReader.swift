import NIOCore

/// Splits a byte stream into server-sent events as the chunks arrive, whatever their boundaries
/// (a line or an event cut across chunks, `\r\n` or `\n` line ends). Comments and fields other
/// than `event` and `data` are skipped; an event the stream ends in the middle of is dropped, as
/// the SSE specification says. An event longer than ``maxEventBytes`` is an error, so a
/// provider cannot make the gateway hold an unbounded line.
struct SSEEventReader {
    /// Largest event accepted.
    static let maxEventBytes = 16 << 20

    /// The stream holds an event past ``maxEventBytes``.
    struct Overlong: Error {}

    private var line: [UInt8] = []
    private var name: String?
    private var data: [UInt8]?
    private var eventBytes = 0

    /// The events that `chunk` completes, in order.
    mutating func feed(_ chunk: ByteBuffer) throws(Overlong) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in chunk.readableBytesView {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                eventBytes += 1
                if eventBytes > Self.maxEventBytes { throw Overlong() }
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty {
                if let event = dispatch() { events.append(event) }
            } else {
                take(line)
            }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }

    private mutating func take(_ line: [UInt8]) {
        guard line.first != UInt8(ascii: ":") else { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var value = line[colon...].dropFirst()
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch String(decoding: line[..<colon], as: UTF8.self) {
        case "event": name = String(decoding: value, as: UTF8.self)
        case "data":
            if data != nil { data!.append(UInt8(ascii: "\n")) }
            data = (data ?? []) + value
        default: break
        }
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            name = nil
            data = nil
            eventBytes = 0
        }
        guard let data else { return nil }
        return SSEEvent(name: name, data: String(decoding: data, as: UTF8.self))
    }
}
