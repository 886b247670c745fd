import Foundation
import Testing
import WireJSON

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

    /// Strings are skipped eight bytes at a time up to the byte that ends a plain run: every
    /// kind of such byte, at every offset of strings up to 24 bytes long (so at every place in a
    /// word and across three words), is read as a reference parser reads it.
    @Test("strings read a word at a time agree with JSONSerialization for a special byte at every offset")
    func stringsAtEveryOffset() throws {
        let specials: [[UInt8]] = [
            [0x22], [0x5C], [0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0x5C, 0x78], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x00], [0x09], [0x1F],
            [0x20], [0x21], [0x23], [0x5B], [0x5D], [0x7F], [0x80], [0xC3, 0xA9], [0xC3], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xFF],
        ]
        var checked = 0
        for length in 0..<24 {
            for offset in 0...length {
                for special in specials {
                    var content = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                    content.insert(contentsOf: special, at: offset)
                    let bytes = Array("{\"key\":\"".utf8) + content + Array("\"}".utf8)
                    let reference = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
                    let scanned = bytes.withUnsafeBufferPointer { buffer in try? JSONScanner.scanObject(buffer, keys: ["key"]) }
                    #expect((scanned != nil) == (reference != nil), "accepted differently: \(bytes)")
                    if let field = scanned?[0] {
                        #expect(field.kind == .string && field.range == 7..<(bytes.count - 1), "string ends elsewhere: \(bytes)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 6_600)
    }
}
