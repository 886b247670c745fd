import Foundation
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

    @Test("a quoted string reads back as itself through Foundation's parser, with or without escapes")
    func quotedRoundTrips() throws {
        var random = SystemRandomNumberGenerator()
        let pieces = ["a", "gpt-4o-mini", "\"", "\\", "\n", "\t", "\u{0}", "\u{1f}", " ", "é", "😀", "\u{2028}", "/", "\u{7f}"]
        for length in 0..<200 {
            let value = (0..<(length % 40)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let quoted = JSONString.quoted(value)
            let parsed = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
            #expect(parsed == value, "\(quoted.debugDescription)")
            let bytes = Array(quoted.utf8)
            #expect(bytes.withUnsafeBufferPointer { JSONString.decode($0, range: 0..<bytes.count) } == value)
        }
    }
}
