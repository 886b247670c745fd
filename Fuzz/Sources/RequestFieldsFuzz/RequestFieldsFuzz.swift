import Guardrails
import NIOCore
import WireJSON

import func Glibc.exit

/// Every guardrail check on: the scanners must never trap, whatever the bytes.
let everyCheck = GuardrailScanner(
    rules: GuardrailRules(pii: .redact, secrets: .redact, promptInjection: .block, denyPhrases: DenyPhrases(action: .block, phrases: ["project orion"])))

/// Scans `text`; every match must lie in it, and placed matches must not overlap.
func checkScan(_ text: UnsafeBufferPointer<UInt8>) {
    var end = 0
    for match in everyCheck.scan(text) {
        guard let range = match.range else { continue }
        precondition(range.lowerBound >= end && range.upperBound <= text.count && !range.isEmpty, "match \(range) in \(text.count) bytes")
        end = range.upperBound
    }
}

/// Reads `bytes` as the translations do: a document the scanner accepts and that repeats no key
/// reads as a tree; writing the tree and reading it back gives the same text again.
func checkTree(_ bytes: UnsafeBufferPointer<UInt8>) {
    for slot in (try? MessageText.messagesAnswerSlots(in: bytes)) ?? [] { precondition(slot.literal.upperBound <= bytes.count) }
    _ = try? MessageText.messagesDeltaSlot(in: bytes)
    guard let tree = JSONTree.object(bytes) else { return }
    var written = ByteBuffer()
    JSONTree.write(tree, to: &written)
    let again = written.withUnsafeReadableBytes { JSONTree.object($0.bindMemory(to: UInt8.self)) }
    guard let again else { fatalError("the written tree does not read back: \(String(buffer: written))") }
    precondition(same(tree, again), "the tree changed on a round trip: \(String(buffer: written))")
}

/// Whether two trees hold the same values (object keys in any order).
func same(_ a: Any, _ b: Any) -> Bool {
    switch (a, b) {
    case (let a as [String: Any], let b as [String: Any]): return a.count == b.count && a.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
    case (let a as [Any], let b as [Any]): return a.count == b.count && zip(a, b).allSatisfy(same)
    case (let a as String, let b as String): return a == b
    case (let a as JSONNumber, let b as JSONNumber): return a == b
    case (is JSONNull, is JSONNull): return true
    case (let a as Bool, let b as Bool): return a == b
    default: return false
    }
}

/// One libFuzzer input: any bytes as a request body. Nothing may trap; a body the gateway accepts
/// must come out of the rewriting as a body that reads back with the routed model and the same
/// stream and token fields, with usage asked for when it streams; its text, unescaped, maps back
/// to the body's bytes, and the guardrail scanners read it (and the raw bytes) without trapping.
func fuzzRequestFields(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    checkScan(bytes)
    checkTree(bytes)
    for shape in [RequestFields.Shape.chat, .embeddings, .messages] {
        guard let fields = try? RequestFields.read(bytes, shape: shape) else { continue }
        // A field twice in one message is refused by the guardrails gate; the rest is scanned.
        for slot in (try? MessageText.slots(in: bytes, fields: fields, shape: shape)) ?? [] {
            let inner = bytes[(slot.literal.lowerBound + 1)..<(slot.literal.upperBound - 1)]
            let (text, offsets) = JSONString.unescapedUTF8WithOffsets(inner)
            precondition(offsets.count == text.count + 1 && offsets.last == inner.count, "offsets do not cover the literal")
            precondition(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "offsets go backwards")
            text.withUnsafeBufferPointer(checkScan)
        }
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
