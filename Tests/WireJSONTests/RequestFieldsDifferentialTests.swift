import Foundation
import NIOCore
import Testing
import WireJSON

/// The gateway must act on exactly the request the provider reads: for a generated corpus of
/// bodies, every accepted body's fields equal what Foundation's JSONSerialization reads from the
/// forwarded bytes.
@Suite("Request fields against a reference parser")
struct RequestFieldsDifferentialTests {
    @Test("accepted bodies read the same in the gateway and in JSONSerialization; the rest is refused")
    func corpus() throws {
        var generator = BodyGenerator(seed: 0x5EED_0001)
        var accepted = 0
        var refused = 0
        var unreadable = 0
        for index in 0..<20_000 {
            let text = generator.body()
            let body = ByteBuffer(string: text)
            let outcome = body.withUnsafeReadableBytes { raw in
                Result { () throws(RequestFieldError) in try RequestFields.read(raw.bindMemory(to: UInt8.self), shape: .chat) }
            }
            guard case .success(let fields) = outcome else {
                refused += 1
                continue
            }
            // A body the reference cannot read at all (a number beyond a Double, say) fails at the
            // provider too; what matters is that no body is read two ways.
            guard let original = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                unreadable += 1
                continue
            }
            accepted += 1
            let routed = index % 3 == 0 ? fields.model : "routed-\(index)"
            let forwarded = fields.upstreamBody(body, model: routed, askForUsage: true)
            let reference = try JSONSerialization.jsonObject(with: Data(forwarded.readableBytesView)) as? [String: Any]
            let object = try #require(reference, "forwarded bytes are not an object: \(text)")
            #expect(object["model"] as? String == routed, "model differs for \(text)")
            let streams = (object["stream"] as? Bool) == true
            #expect(streams == fields.stream, "stream differs for \(text)")
            let limit = (object["max_completion_tokens"].flatMap(Self.integer)) ?? (object["max_tokens"].flatMap(Self.integer))
            #expect(limit == fields.maxTokens, "max tokens differ for \(text)")
            if fields.stream {
                let options = object["stream_options"] as? [String: Any]
                #expect((options?["include_usage"] as? Bool) == true, "include_usage not set for \(text)")
            }
            // Nothing but the model and stream_options changed.
            var before = original
            var after = object
            for key in ["model", "stream_options"] {
                before[key] = nil
                after[key] = nil
            }
            #expect(try Self.canonical(before) == Self.canonical(after), "other fields changed for \(text)")
        }
        // The corpus exercises both sides.
        #expect(accepted > 2_000)
        #expect(refused > 2_000)
        #expect(unreadable < accepted)
    }

    @Test(
        "keys are compared after unescaping, and read fields given twice are refused",
        arguments: [
            #"{"model":"cheap","\u006dodel":"dear","messages":[{}]}"#,
            #"{"model":"cheap","model":"dear","messages":[{}]}"#,
            #"{"model":"a","messages":[{}],"max_tokens":5,"\u006dax_tokens":500000}"#,
            #"{"model":"a","messages":[{}],"stream":false,"\u0073tream":true}"#,
            #"{"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":true,"include_\u0075sage":false}}"#,
        ])
    func duplicates(text: String) {
        guard let error = Self.refusal(text) else { return }
        #expect(error.reason == .invalidRequest)
        #expect(error.message.contains("appears more than once"))
        #expect(error.param != nil)
    }

    @Test("an escaped key is the field it spells")
    func escapedKey() throws {
        let text = #"{"\u006dodel":"dear","messages":[{}],"\u0073tream":true}"#
        let fields = try Array(text.utf8).withUnsafeBufferPointer { buffer throws(RequestFieldError) in try RequestFields.read(buffer, shape: .chat) }
        #expect(fields.model == "dear")
        #expect(fields.stream)
    }

    @Test(
        "max_tokens that do not fit a positive Int are refused, not wrapped",
        arguments: ["0", "-1", "9223372036854775808", "18446744073709551616", "1.5", "1e3", "-0", "1E400", "\"5\"", "true"])
    func hostileLimits(value: String) {
        guard let error = Self.refusal(#"{"model":"a","messages":[{}],"max_tokens":"# + value + "}") else { return }
        #expect(error.param == "max_tokens")
    }

    @Test("drawn max_tokens of every length read as Int(String) reads them: kept when positive, refused otherwise")
    func drawnLimits() throws {
        var generator = Xorshift(state: 0x5EED_0002)
        for _ in 0..<5_000 {
            let length = Int.random(in: 1...22, using: &generator)
            var digits = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<length { digits += String(Int.random(in: 0...9, using: &generator)) }
            if Bool.random(using: &generator) && length < 3 { digits = "0" }
            // Around 2^63, where a read that wraps would differ.
            if Int.random(in: 0..<8, using: &generator) == 0 { digits = "92233720368547758" + String(Int.random(in: 0...19, using: &generator)) }
            let value = Int.random(in: 0..<4, using: &generator) == 0 ? "-" + digits : digits
            let text = #"{"model":"a","messages":[{}],"max_tokens":"# + value + "}"
            let outcome = Array(text.utf8).withUnsafeBufferPointer { buffer in
                Result { () throws(RequestFieldError) in try RequestFields.read(buffer, shape: .chat) }
            }
            if let expected = Int(value), expected > 0 {
                #expect(try outcome.get().maxTokens == expected, "\(value)")
            } else {
                guard case .failure(let error) = outcome else {
                    Issue.record("accepted max_tokens \(value)")
                    continue
                }
                #expect(error.param == "max_tokens", "\(value)")
            }
        }
    }

    @Test("unpaired surrogates are refused in keys and values")
    func surrogates() {
        for text in [#"{"model":"\ud800","messages":[{}]}"#, #"{"model":"a\udc00","messages":[{}]}"#, #"{"\ud800model":"a","messages":[{}]}"#] {
            guard let error = Self.refusal(text) else { continue }
            #expect(error.reason == .invalidJSON)
        }
    }

    /// Why `text` is refused; records an issue and returns nil when it is accepted.
    private static func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> RequestFieldError? {
        let outcome = Array(text.utf8).withUnsafeBufferPointer { buffer in
            Result { () throws(RequestFieldError) in try RequestFields.read(buffer, shape: .chat) }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("accepted \(text)", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }

    private static func canonical(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    }

    private static func integer(_ value: Any) -> Int? {
        value is NSNull ? nil : (value as? NSNumber)?.intValue
    }
}
