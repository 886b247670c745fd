import HTTPTypes
import NIOCore

/// Writes a connection's answers as HTTP/1 bytes, from HTTPTypes' fields as they are.
///
/// The parts written between two flushes leave as one buffer: a whole answer's head with its body
/// copied behind it when it is small, a stream's head with its first chunks and its end, each
/// chunk with its size line. A part written with a promise leaves at once, with what was gathered
/// before it, so that the promise completes when its bytes are written.
///
/// Not a channel handler: ``RequestReader`` calls it and writes its bytes from its own context,
/// so an answer reaches the socket with no pipeline step for its parts and no cast of them.
struct AnswerEncoder {
    /// A body up to this size is copied behind its head (or chunk size) rather than written apart.
    static let copiedBodyBytes = 16 * 1024
    /// Room left behind a stream's head for its first chunks, which usually follow in the same turn.
    static let streamRoom = 1024

    /// How the current answer's body is framed.
    private var framing = AnswerHead.Framing.none
    /// The bytes of the parts written since the last flush, not yet passed on.
    private var gathered: ByteBuffer?

    /// Encodes `part`; its bytes leave through `context` with the next flush, or at once when
    /// `promise` waits for them.
    mutating func write(_ part: AnswerPart, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        switch part {
        case .proceed:
            reserve(25, context: context)
            gathered!.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
            pass(promise, context: context)
        case .whole(let head, let body):
            reserve(Self.headCapacity(head) + min(body.readableBytes, Self.copiedBodyBytes), context: context)
            framing = head.write(into: &gathered!)
            // The length is the body's own: a whole answer is framed by it (or has no body).
            if framing == .none || body.readableBytes == 0 {
                pass(promise, context: context)
            } else {
                append(body, promise: promise, context: context)
            }
            framing = .none
        case .head(let head):
            reserve(Self.headCapacity(head) + Self.streamRoom, context: context)
            framing = head.write(into: &gathered!)
            pass(promise, context: context)
        case .body(let body):
            writeBody(body, context: context, promise: promise)
        case .end(let trailers):
            guard framing == .chunked else {
                framing = .none
                // Written when a promise waits, so that promises complete in the order of their writes.
                pass(promise, context: context)
                return
            }
            framing = .none
            reserve(64, context: context)
            gathered!.writeStaticString("0\r\n")
            for field in trailers ?? [:] { AnswerHead.write(field, into: &gathered!) }
            gathered!.writeStaticString("\r\n")
            pass(promise, context: context)
        }
    }

    /// Passes on what was gathered, and flushes.
    mutating func flush(context: ChannelHandlerContext) {
        if let buffer = gathered.take() { context.write(NIOAny(IOData.byteBuffer(buffer)), promise: nil) }
        context.flush()
    }

    /// Drops what was gathered: the connection is gone.
    mutating func reset() { gathered = nil }

    private mutating func writeBody(_ body: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch framing {
        case .none:
            // No body may follow (a 204, or an answer to HEAD): the bytes are dropped.
            promise?.succeed()
        case .length, .close:
            reserve(min(body.readableBytes, Self.copiedBodyBytes), context: context)
            append(body, promise: promise, context: context)
        case .chunked:
            let count = body.readableBytes
            // An empty chunk would end the body: nothing is written for it.
            guard count > 0 else {
                promise?.succeed()
                return
            }
            reserve(20 + min(count, Self.copiedBodyBytes), context: context)
            Self.writeHex(count, into: &gathered!)
            gathered!.writeStaticString("\r\n")
            append(body, promise: nil, context: context)
            reserve(2, context: context)
            gathered!.writeStaticString("\r\n")
            pass(promise, context: context)
        }
    }

    /// Makes room for `capacity` more gathered bytes, in a new buffer when nothing is gathered.
    private mutating func reserve(_ capacity: Int, context: ChannelHandlerContext) {
        if gathered == nil {
            gathered = context.channel.allocator.buffer(capacity: capacity)
        } else {
            gathered!.reserveCapacity(minimumWritableBytes: capacity)
        }
    }

    /// Writes the gathered bytes now when `promise` waits for them; else they wait for the flush.
    private mutating func pass(_ promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        guard let promise else { return }
        context.write(NIOAny(IOData.byteBuffer(gathered.take() ?? ByteBuffer())), promise: promise)
    }

    /// Sends `body` behind the gathered bytes: copied behind them when small, else written apart, after them.
    private mutating func append(_ body: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        if body.readableBytes <= Self.copiedBodyBytes {
            gathered!.writeImmutableBuffer(body)
            pass(promise, context: context)
        } else {
            if let buffer = gathered.take() { context.write(NIOAny(IOData.byteBuffer(buffer)), promise: nil) }
            context.write(NIOAny(IOData.byteBuffer(body)), promise: promise)
        }
    }

    /// Room for a head: the status line, the framing fields, the response's own fields, the
    /// request id and the rate limits.
    private static func headCapacity(_ head: AnswerHead) -> Int {
        160 + head.headerFields.count * 64 + (head.headroom == nil ? 0 : 6 * 48)
    }

    /// Writes a chunk size in lower-case hexadecimal.
    private static func writeHex(_ value: Int, into buffer: inout ByteBuffer) {
        let digits = max(1, (Int.bitWidth - value.leadingZeroBitCount + 3) / 4)
        for index in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = UInt8(truncatingIfNeeded: value >> (index * 4)) & 0xF
            buffer.writeInteger(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
        }
    }
}
