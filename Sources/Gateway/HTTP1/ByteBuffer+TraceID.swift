import NIOCore
import Telemetry

extension ByteBuffer {
    /// Writes `id` as 32 lowercase hex digits, without making a string of them.
    mutating func writeHex(_ id: TraceID) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: 32) { out in
            id.writeHex(into: out)
            return 32
        }
    }
}
