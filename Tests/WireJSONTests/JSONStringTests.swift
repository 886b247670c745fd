import Testing

import WireJSON

@Suite("JSON string escapes")
struct JSONStringTests {
    @Test("escaped strings decode, including surrogate pairs")
    func decode() {
        let text = #""a\n\u00e9\ud83d\ude00\"""#
        let bytes = Array(text.utf8)
        let decoded = bytes.withUnsafeBufferPointer { JSONString.decode($0, range: 0..<bytes.count) }
        #expect(decoded == "a\né😀\"")
        #expect(JSONString.quoted("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }
}
