import Foundation
import Testing
import WireJSON

@Suite("The one-pass JSON scanner")
struct JSONScannerTests {
    static func scan(_ text: String, keys: [String] = ["model", "messages"]) throws(JSONScanError) -> [JSONScanner.Field?] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONScanError) in Array(try JSONScanner.scanObject(buffer, keys: JSONScanner.Keys(keys))) }
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

    /// Checks the string `"content"` as an object's value against `JSONSerialization`: both accept
    /// it or both refuse it, and an accepted string keeps its range. Returns whether it was accepted.
    @discardableResult
    static func checkString(_ content: [UInt8]) -> Bool {
        let bytes = Array("{\"key\":\"".utf8) + content + Array("\"}".utf8)
        let reference = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let scanned = bytes.withUnsafeBufferPointer { buffer in try? JSONScanner.scanObject(buffer, keys: ["key"]) }
        #expect((scanned != nil) == (reference != nil), "accepted differently: \(bytes)")
        guard let field = scanned?[0] else { return false }
        #expect(field.kind == .string && field.range == 7..<(bytes.count - 1), "string ends elsewhere: \(bytes)")
        return true
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
                    Self.checkString(content)
                    checked += 1
                }
            }
        }
        #expect(checked == 6_600)
    }

    /// Strings drawn from pieces that end plain runs, packed so that several fall in one word and
    /// a piece follows the one before it at every offset: each document is accepted or refused as
    /// a reference parser does, and an accepted string keeps its range.
    @Test("strings with several special bytes in a word agree with JSONSerialization")
    func stringsWithSpecialsPacked() {
        let valid: [[UInt8]] = [
            Array("a".utf8), Array("bcdefgh".utf8), [0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0x5C, 0x2F], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39],
            [0x20], [0x7F], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],
        ]
        let invalid: [[UInt8]] = [[0x22], [0x5C], [0x5C, 0x78], [0x09], [0x1F], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF]]
        var generator = Xorshift(state: 0x4A53_4F4E)
        var (accepted, refused) = (0, 0)
        for _ in 0..<20_000 {
            var content: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                let pieces = Int.random(in: 0..<12, using: &generator) == 0 ? invalid : valid
                content += pieces.randomElement(using: &generator)!
            }
            if Self.checkString(content) { accepted += 1 } else { refused += 1 }
        }
        #expect(accepted > 5_000 && refused > 5_000, "\(accepted) accepted, \(refused) refused")
    }

    /// Keys that share lengths and prefixes, looked for in objects that hold a drawn subset of
    /// them among names one byte off: each key's field is found in its slot, and no other; a key
    /// written twice is refused by its name.
    @Test("each key is found in its own slot among names of the same length and prefix, and refused twice")
    func keysAmongLookalikes() throws {
        let pool = ["", "a", "b", "ab", "ba", "abc", "model", "modem", "mode", "max_tokens", "max_tokenz", "max_completion_tokens"]
        var generator = Xorshift(state: 0x4B45_5953)
        for _ in 0..<2_000 {
            let keys = Array(pool.shuffled(using: &generator).prefix(Int.random(in: 0...8, using: &generator)))
            let present = pool.filter { _ in Bool.random(using: &generator) }.shuffled(using: &generator)
            let text = "{" + present.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
            let fields = try Self.scan(text, keys: keys)
            for (slot, key) in keys.enumerated() {
                let value = fields[slot].map { String(text.utf8.dropFirst($0.range.lowerBound).prefix($0.range.count))! }
                #expect(value == present.firstIndex(of: key).map(String.init), "\(key) in \(text)")
            }
        }
        for key in pool {
            let keys = ([key] + pool.filter { $0 != key }.shuffled(using: &generator).prefix(7)).shuffled(using: &generator)
            do {
                _ = try Self.scan("{\"\(key)\":1,\"\(key)\":2}", keys: keys)
                Issue.record("a duplicate of '\(key)' was accepted")
            } catch {
                #expect(error.duplicateField == key)
            }
        }
    }

    /// The nested scan against two scans, one of the document and one of the object alone, on
    /// drawn request bodies whose `stream_options` is often an object with escaped, repeated or
    /// unknown members, and sometimes not an object at all: the same fields, the same nested
    /// fields (their ranges moved by the object's offset) and the same errors.
    @Test("a nested object read in the same pass agrees with a second scan of it, duplicates and errors included")
    func nestedAgreesWithTwoScans() throws {
        var generator = BodyGenerator(seed: 0x4E45_5354)
        let keys = JSONScanner.Keys(BodyGenerator.readKeys)
        let slot = BodyGenerator.readKeys.firstIndex(of: "stream_options")!
        let nestedKeys: JSONScanner.Keys = ["include_usage", "x"]
        var nestedObjects = 0
        var nestedDuplicates = 0
        for _ in 0..<5_000 {
            var bytes = Array(generator.body().utf8)
            if generator.next() % 8 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }  // cut short
            try bytes.withUnsafeBufferPointer { buffer in
                let twoScans = Result { () throws(JSONScanError) in try JSONScanner.scanObject(buffer, keys: keys) }
                var nested = JSONScanner.Nested(at: slot, keys: nestedKeys)
                let oneScan = Result { () throws(JSONScanError) in try JSONScanner.scanObject(buffer, keys: keys, nested: &nested) }
                let text = String(decoding: bytes, as: UTF8.self)
                switch (twoScans, oneScan) {
                case (.failure(let expected), .failure(let error)):
                    #expect(error == expected, "\(text)")
                case (.success(let expected), .success(let fields)):
                    #expect(Array(fields) == Array(expected), "\(text)")
                    guard let field = expected[slot], field.kind == .object else {
                        #expect(nested.fields.allSatisfy { $0 == nil } && nested.duplicate == nil, "\(text)")
                        return
                    }
                    nestedObjects += 1
                    let object = UnsafeBufferPointer(rebasing: buffer[field.range])
                    let alone = Result { () throws(JSONScanError) in try JSONScanner.scanObject(object, keys: nestedKeys) }
                    switch alone {
                    case .success(let expected):
                        let offset = field.range.lowerBound
                        let moved = Array(expected).map { $0.map { JSONScanner.Field(moving: $0, by: offset) } }
                        #expect(Array(nested.fields) == moved && nested.duplicate == nil, "\(text)")
                    case .failure(let expected):
                        nestedDuplicates += 1
                        #expect(nested.duplicate == expected, "\(text)")
                    }
                case (let expected, let found):
                    Issue.record("one pass: \(found), two: \(expected), in \(text)")
                }
            }
        }
        #expect(nestedObjects > 500 && nestedDuplicates > 100, "the drawn bodies reach the nested object: \(nestedObjects), \(nestedDuplicates)")
    }

    /// Drawn arrays of request bodies (objects with escaped, repeated and unknown members) and
    /// scalars, sometimes cut short: read with their objects' members in one pass, they give what
    /// ``JSONScanner/scanElements(_:)`` and a scan of each object alone give, errors included.
    @Test("an array's objects read in the same pass agree with a scan of each one alone, duplicates and errors included")
    func elementsAgreeWithScansOfEach() throws {
        var generator = BodyGenerator(seed: 0x454C_454D)
        let keys = JSONScanner.Keys(BodyGenerator.readKeys)
        var objects = 0
        var duplicates = 0
        for _ in 0..<2_000 {
            let parts = (0..<(generator.next() % 4)).map { _ in generator.next() % 4 == 0 ? ["1", "\"a\"", "[{}]", "null"][Int(generator.next() % 4)] : generator.body() }
            var bytes = Array((" [" + parts.joined(separator: " ,") + "] ").utf8)
            if generator.next() % 8 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }  // cut short
            bytes.withUnsafeBufferPointer { buffer in
                let text = String(decoding: bytes, as: UTF8.self)
                let alone = Result { () throws(JSONScanError) in try JSONScanner.scanElements(buffer) }
                let together = Result { () throws(JSONScanError) in
                    var elements: [(field: JSONScanner.Field, members: JSONScanner.Nested)] = []
                    try JSONScanner.scanElements(buffer, keys: keys) { elements.append(($0, copy $1)) }
                    return elements
                }
                switch (alone, together) {
                case (.failure(let expected), .failure(let error)):
                    #expect(error == expected, "\(text)")
                case (.success(let expected), .success(let elements)):
                    #expect(elements.map(\.field) == expected, "\(text)")
                    for (field, members) in elements {
                        guard field.kind == .object else {
                            #expect(members.fields.allSatisfy { $0 == nil } && members.duplicate == nil, "\(text)")
                            continue
                        }
                        objects += 1
                        let object = UnsafeBufferPointer(rebasing: buffer[field.range])
                        let scanned = Result { () throws(JSONScanError) in try JSONScanner.scanObject(object, keys: keys) }
                        switch scanned {
                        case .success(let found):
                            let moved = Array(found).map { $0.map { JSONScanner.Field(moving: $0, by: field.range.lowerBound) } }
                            #expect(Array(members.fields) == moved && members.duplicate == nil, "\(text)")
                        case .failure(let expected):
                            duplicates += 1
                            #expect(members.duplicate == expected, "\(text)")
                        }
                    }
                case (let expected, let found):
                    Issue.record("one pass: \(found), scans of each: \(expected), in \(text)")
                }
            }
        }
        #expect(objects > 1_000 && duplicates > 100, "the drawn arrays hold objects and duplicates: \(objects), \(duplicates)")
    }
}

extension JSONScanner.Field {
    /// `field` with its range moved `offset` bytes on.
    fileprivate init(moving field: JSONScanner.Field, by offset: Int) {
        self = field
        range = (field.range.lowerBound + offset)..<(field.range.upperBound + offset)
    }
}
