import NIOCore
import WireJSON

import func Glibc.exit

/// One libFuzzer input: any bytes as a request body. Nothing may trap; a body the gateway accepts
/// must come out of the rewriting as a body that reads back with the routed model and the same
/// stream and token fields, with usage asked for when it streams.
func fuzzRequestFields(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for shape in [RequestFields.Shape.chat, .embeddings] {
        guard let fields = try? RequestFields.read(bytes, shape: shape) else { continue }
        let body = ByteBuffer(bytes: bytes)
        for routed in [fields.model, "routed-\u{e9}\"\n"] {
            let forwarded = fields.upstreamBody(body, model: routed, askForUsage: true)
            let again = forwarded.withUnsafeReadableBytes { raw in try? RequestFields.read(raw.bindMemory(to: UInt8.self), shape: shape) }
            guard let again else { fatalError("the rewritten body does not read back: \(String(buffer: forwarded))") }
            precondition(again.model == routed, "model \(again.model) instead of \(routed)")
            precondition(again.stream == fields.stream && again.maxTokens == fields.maxTokens, "stream or max tokens changed")
            precondition(!fields.stream || again.clientIncludesUsage, "a stream without include_usage after rewriting")
        }
    }
    return 0
}

/// libFuzzer's driver, linked in by `-sanitize=fuzzer`: runs the fuzzer with the command line's options.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
struct RequestFieldsFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRequestFields(data, size) })
    }
}
