import WireJSON
import Testing

@Suite("The one-pass JSON scanner")
struct JSONScannerTests {
    static func scan(_ text: String, keys: [String] = ["model", "messages"]) throws(JSONScanError) -> [JSONScanner.Field?] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONScanError) in Array(try JSONScanner.scanObject(buffer, keys: keys)) }
    }

    @Test(
        "valid documents pass",
        arguments: [
            #"{}"#, #" { "a" : [ 1 , -2.5e+3 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9" ] } "#,
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"日本語 😀"}]}]}"#,
            #"{"a":{"b":{"c":[[[]]]}},"d":0,"e":0.0,"f":1E5}"#,
        ])
    func valid(text: String) throws {
        _ = try Self.scan(text)
    }

    @Test(
        "invalid documents fail",
        arguments: [
            "", "   ", "{", "}", "[]", "\"x\"", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
            "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"line\nbreak\"}", "{a:1}", "{\"a\":1}{}", "{\"a\":[1 2]}",
            "{\"a\":\"unterminated}", "{'a':1}", "{\"a\":NaN}",
        ])
    func invalid(text: String) {
        #expect(throws: JSONScanError.self) { try Self.scan(text) }
    }

    @Test("invalid UTF-8 inside strings fails: stray, overlong, surrogate and truncated sequences")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
            let bytes = Array("{\"a\":\"".utf8) + bad + Array("\"}".utf8)
            #expect(throws: JSONScanError.self) {
                try bytes.withUnsafeBufferPointer { buffer throws(JSONScanError) in try JSONScanner.scanObject(buffer, keys: []) }
            }
        }
    }

    @Test("deep nesting is refused instead of overflowing the stack")
    func deepNesting() {
        let text = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONScanError.self) { try Self.scan(text) }
    }

    @Test("fields are located with kind, range and array shape")
    func fields() throws {
        let text = #"{"x":{"model":"inner"},"model":"gpt-4o","messages":[{"a":1},{"b":2}],"n":3}"#
        let fields = try Self.scan(text, keys: ["model", "messages", "n", "absent"])
        let model = try #require(fields[0])
        #expect(model.kind == .string)
        #expect(String(text.utf8.dropFirst(model.range.lowerBound).prefix(model.range.count))! == "\"gpt-4o\"")
        #expect(fields[1]?.kind == .array && fields[1]?.elementCount == 2 && fields[1]?.allElementsAreObjects == true)
        #expect(fields[2]?.isInteger == true)
        #expect(fields[3] == nil)
    }
}
