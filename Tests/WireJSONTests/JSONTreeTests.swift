import NIOCore
import Testing
import WireJSON

@Suite("JSON documents as Swift values, for translations")
struct JSONTreeTests {
    private func tree(_ text: String) -> [String: Any]? {
        var text = text
        return text.withUTF8 { JSONTree.object($0) }
    }

    private func written(_ value: Any) -> String {
        var buffer = ByteBuffer()
        JSONTree.write(value, to: &buffer)
        return String(buffer: buffer)
    }

    @Test("values read as written: numbers keep their text, escapes are resolved, booleans and integers stay apart")
    func values() throws {
        let object = try #require(tree(#"{"a":[1,-2.50,3e400,9223372036854775808],"b":"caf\u00e9 \"q\"","c":true,"d":null,"e":{},"f":[]}"#))
        let numbers = try #require(object["a"] as? [Any]).compactMap { ($0 as? JSONNumber)?.text }
        #expect(numbers == ["1", "-2.50", "3e400", "9223372036854775808"])
        #expect(object["b"] as? String == "caf\u{e9} \"q\"" && object["c"] as? Bool == true && object["d"] is JSONNull)
        #expect(written(["t": true, "i": 1]) == #"{"t":true,"i":1}"# || written(["t": true, "i": 1]) == #"{"i":1,"t":true}"#)
        #expect(written([0, false, JSONNull(), JSONNumber(text: "1.0"), "\n"] as [Any]) == #"[0,false,null,1.0,"\n"]"#)
    }

    @Test(
        "a document that is not one valid object, or that repeats a key anywhere, is refused",
        arguments: [#"[1]"#, #"{"a":1"#, #"{"a":1,"a":2}"#, #"{"x":{"k":1,"\u006b":2}}"#, #"{"a":"\ud800"}"#, "{\"a\":\"\u{1}\"}", #"{"a":01}"#, ""])
    func refused(text: String) {
        #expect(tree(text) == nil)
    }

    @Test("any generated document reads back the same after writing")
    func roundTrip() throws {
        var generator = Xorshift(state: 42)
        func value(_ depth: Int) -> String {
            switch generator.next() % (depth > 3 ? 4 : 6) {
            case 0: return "\(Int64(bitPattern: generator.next()))"
            case 1: return ["true", "false", "null", "1.5e-3", "-0"][Int(generator.next() % 5)]
            case 2: return "\"" + ["plain", "tab\\t", "\\u00e9\\ud83d\\ude00", "quote\\\"", ""][Int(generator.next() % 5)] + "\""
            case 3: return "\"k\(generator.next() % 100)\""
            case 4: return "[" + (0..<Int(generator.next() % 4)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            default: return "{" + Set((0..<Int(generator.next() % 4)).map { _ in "k\(generator.next() % 1000)" }).map { "\"\($0)\":\(value(depth + 1))" }.joined(separator: ",") + "}"
            }
        }
        for _ in 0..<500 {
            let text = "{\"root\":\(value(0))}"
            let first = try #require(tree(text), "\(text)")
            let again = try #require(tree(written(first)))
            #expect(written(again).count == written(first).count && written(tree(written(again))!).count == written(first).count, "\(text)")
        }
    }
}
