import TestSupport
import Testing

@testable import Gateway

@Suite("Comma-separated field values read in place, against splitting them")
struct FieldListTests {
    /// A value of a few items (tokens that lists carry, numbers, nothing), padded with spaces and
    /// tabs and joined by commas; now and then a stray byte among them.
    static func draw(_ random: inout SplitMix64) -> [UInt8] {
        let tokens = ["close", "Keep-Alive", "keep-alive", "CHUNKED", "chunked", "gzip", "5", "05", "12", "99999999999999999999", "-1", "", "x"]
        let pads = ["", " ", "\t", "  "]
        let items = (0..<Int.random(in: 1...4, using: &random)).map { _ in
            pads.randomElement(using: &random)! + tokens.randomElement(using: &random)! + pads.randomElement(using: &random)!
        }
        var bytes = Array(items.joined(separator: ",").utf8)
        if Int.random(in: 0..<8, using: &random) == 0, !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &random)] = [UInt8(ascii: ","), UInt8(ascii: "a"), 0x80].randomElement(using: &random)!
        }
        return bytes
    }

    static func trim(_ item: [UInt8]) -> [UInt8] {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return Array(item.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    @Test("5,000 drawn values: the items, Content-Length, Connection options and the last coding match a reading by split")
    func againstSplit() {
        var random = SplitMix64(seed: 0x5EED_1003)
        var (lengths, closes, chunked) = (0, 0, 0)
        for _ in 0..<5_000 {
            let value = Self.draw(&random)
            let expected = value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Array($0) }
            let trimmed = expected.map(Self.trim)
            let lowered = trimmed.map { String(decoding: $0, as: UTF8.self).lowercased() }
            let numbers = trimmed.map { $0.isEmpty || !$0.allSatisfy { (0x30...0x39).contains($0) } ? nil : Int(String(decoding: $0, as: UTF8.self)) }
            let agreed = numbers.allSatisfy { $0 != nil && $0 == numbers[0] }
            value.withUnsafeBytes { raw in
                let whole = raw[...]
                var items: [[UInt8]] = []
                HTTP1Syntax.forEachItem(of: whole) { items.append(Array($0)) }
                #expect(items == expected, "\(value)")

                if let length = try? HTTP1Syntax.contentLength(whole) {
                    #expect(agreed && numbers[0] == length, "\(value)")
                    lengths += 1
                } else {
                    #expect(!agreed, "\(value)")
                }

                let options = HTTP1Syntax.connectionOptions(whole)
                #expect(options.close == lowered.contains("close") && options.keepAlive == lowered.contains("keep-alive"), "\(value)")
                if options.close { closes += 1 }
                let endsChunked = HTTP1Syntax.endsChunked(whole)
                #expect(endsChunked == (lowered.last == "chunked"), "\(value)")
                if endsChunked { chunked += 1 }
            }
        }
        #expect(lengths > 100 && closes > 100 && chunked > 100, "the draws reach every reading")
    }

    @Test("4,000 drawn names and values: one matches a known name, ignoring ASCII case, exactly when its lowercase bytes are that name's")
    func namesIgnoringCase() {
        var random = SplitMix64(seed: 0x5EED_1004)
        let names: [StaticString] = ["content-length", "transfer-encoding", "connection", "host", "expect", "100-continue", "keep-alive", "chunked"]
        // The bytes a field line can hold: tab, the visible ones and space, and any above 0x7F.
        let lineBytes = [0x09] + Array(UInt8(0x20)...0x7E) + Array(UInt8(0x80)...0xFF)
        for _ in 0..<4_000 {
            let name = names.randomElement(using: &random)!
            let spelled = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            var bytes = spelled.map { Bool.random(using: &random) && $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] = lineBytes.randomElement(using: &random)!
            case 1: bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 2: bytes.append(lineBytes.randomElement(using: &random)!)
            default: break
            }
            let expected = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } == spelled
            let matched = bytes.withUnsafeBytes { HTTP1Syntax.equalsIgnoringCase($0[...], name) }
            #expect(matched == expected, "\(bytes) against \(name)")
        }
    }
}
