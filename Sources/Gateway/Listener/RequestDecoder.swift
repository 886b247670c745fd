import NIOCore

/// Turns a client connection's bytes into request parts with ``RequestParser``. Bytes that are
/// not HTTP are reported once, as the parser's ``RequestParser/Invalid`` error, after the parts
/// before them; whatever follows is dropped.
final class RequestDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = RequestParser.Part

    private var parser = RequestParser()
    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        parser.append(unwrapInboundIn(data))
        do {
            while let part = try parser.next() {
                context.fireChannelRead(wrapInboundOut(part))
            }
        } catch {
            failed = true
            context.fireErrorCaught(error)
        }
    }
}
