import HTTPTypes
import NIOCore

/// Writes a connection's answers as HTTP/1 bytes, from HTTPTypes' fields as they are.
///
/// A whole answer of known length leaves as one buffer: head, then the body copied behind it when
/// it is small. A streamed answer's chunk leaves as one buffer with its size line and its end.
final class AnswerEncoder: ChannelOutboundHandler {
    typealias OutboundIn = AnswerPart
    typealias OutboundOut = IOData

    /// A body up to this size is copied behind its head (or chunk size) rather than written apart.
    static let copiedBodyBytes = 16 * 1024

    /// How the current answer's body is framed.
    private var framing = AnswerHead.Framing.none

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .proceed:
            var buffer = context.channel.allocator.buffer(capacity: 25)
            buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .whole(let head, let body):
            var buffer = context.channel.allocator.buffer(capacity: Self.headCapacity(head) + min(body.readableBytes, Self.copiedBodyBytes))
            framing = head.write(into: &buffer)
            // The length is the body's own: a whole answer is framed by it (or has no body).
            if framing == .none || body.readableBytes == 0 {
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            } else if body.readableBytes <= Self.copiedBodyBytes {
                buffer.writeImmutableBuffer(body)
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            } else {
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(body)), promise: promise)
            }
            framing = .none
        case .head(let head):
            var buffer = context.channel.allocator.buffer(capacity: Self.headCapacity(head))
            framing = head.write(into: &buffer)
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .body(let body):
            writeBody(body, context: context, promise: promise)
        case .end(let trailers):
            guard framing == .chunked else {
                framing = .none
                // An empty write, when a promise waits, so that promises complete in the order of their writes.
                if let promise { context.write(wrapOutboundOut(.byteBuffer(ByteBuffer())), promise: promise) }
                return
            }
            framing = .none
            var buffer = context.channel.allocator.buffer(capacity: 64)
            buffer.writeStaticString("0\r\n")
            for field in trailers ?? [:] { AnswerHead.write(field, into: &buffer) }
            buffer.writeStaticString("\r\n")
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        }
    }

    private func writeBody(_ body: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch framing {
        case .none:
            // No body may follow (a 204, or an answer to HEAD): the bytes are dropped.
            promise?.succeed()
        case .length, .close:
            context.write(wrapOutboundOut(.byteBuffer(body)), promise: promise)
        case .chunked:
            let count = body.readableBytes
            // An empty chunk would end the body: nothing is written for it.
            guard count > 0 else {
                promise?.succeed()
                return
            }
            var buffer = context.channel.allocator.buffer(capacity: 20 + min(count, Self.copiedBodyBytes))
            Self.writeHex(count, into: &buffer)
            buffer.writeStaticString("\r\n")
            if count <= Self.copiedBodyBytes {
                buffer.writeImmutableBuffer(body)
                buffer.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            } else {
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
                var end = context.channel.allocator.buffer(capacity: 2)
                end.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(end)), promise: promise)
            }
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
