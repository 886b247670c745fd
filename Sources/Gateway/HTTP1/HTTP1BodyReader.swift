import NIOCore

/// Reads one message body in the framing its head gave it (RFC 9112, section 6): a known
/// length, chunks (their extensions skipped, the trailer section read and dropped), or
/// everything until the connection closes. Body bytes are handed on as slices of what was read,
/// never copied.
struct HTTP1BodyReader {
    /// How the head framed the body.
    enum Framing: Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    /// What the reader found next.
    enum Step: Equatable {
        case data(ByteBuffer)
        case end
    }

    private enum State {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(seen: Int)
        case untilClose
        case done
    }

    private var state: State

    init(_ framing: Framing) {
        switch framing {
        case .length(let length): state = .fixed(remaining: max(0, length))
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// Whether the body ends only when the connection does.
    var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// The next part of the body read from `bytes`: a slice of its data, its end, or nil when
    /// more bytes are needed (`bytes` then holds nothing but an incomplete line).
    mutating func next(_ bytes: inout ByteBuffer) throws(HTTP1Syntax.Violation) -> Step? {
        while true {
            switch state {
            case .fixed(let remaining):
                guard remaining > 0 else {
                    state = .done
                    return .end
                }
                guard bytes.readableBytes > 0 else { return nil }
                let count = min(remaining, bytes.readableBytes)
                state = .fixed(remaining: remaining - count)
                return .data(bytes.readSlice(length: count)!)
            case .chunkSize:
                guard let line = try HTTP1Syntax.line(&bytes, limit: HTTP1Syntax.maxHeadBytes, what: "chunk-size line") else { return nil }
                let size = try HTTP1Syntax.chunkSize(line)
                state = size == 0 ? .trailers(seen: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard bytes.readableBytes > 0 else { return nil }
                let count = min(remaining, bytes.readableBytes)
                state = count == remaining ? .chunkEnd : .chunkData(remaining: remaining - count)
                return .data(bytes.readSlice(length: count)!)
            case .chunkEnd:
                // The chunk's data ends with `\r\n` (or a bare `\n`), possibly split across reads.
                guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return nil }
                if first == UInt8(ascii: "\r") {
                    guard bytes.readableBytes >= 2 else { return nil }
                    guard bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self) == UInt8(ascii: "\n") else {
                        throw HTTP1Syntax.Violation("a chunk is longer than its size")
                    }
                    bytes.moveReaderIndex(forwardBy: 2)
                } else if first == UInt8(ascii: "\n") {
                    bytes.moveReaderIndex(forwardBy: 1)
                } else {
                    throw HTTP1Syntax.Violation("a chunk is longer than its size")
                }
                state = .chunkSize
            case .trailers(let seen):
                let limit = HTTP1Syntax.maxHeadBytes - seen
                guard let line = try HTTP1Syntax.line(&bytes, limit: limit, what: "trailer section") else { return nil }
                if line.readableBytes == 0 {
                    state = .done
                    return .end
                }
                state = .trailers(seen: seen + line.readableBytes + 2)
            case .untilClose:
                guard bytes.readableBytes > 0 else { return nil }
                return .data(bytes.readSlice(length: bytes.readableBytes)!)
            case .done:
                return .end
            }
        }
    }
}
