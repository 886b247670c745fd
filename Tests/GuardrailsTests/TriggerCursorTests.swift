import TestSupport
import Testing

@testable import Guardrails

/// The detectors that skip to their trigger bytes find exactly what they find trying every
/// position, on drawn texts dense with the shapes they look for.
@Suite("Trigger cursors")
struct TriggerCursorTests {
    /// Pieces that make and break PII shapes: valid entities, their parts, separators and letters.
    static let pieces: [String] = [
        "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "123-45-6789", "4111 1111 1111 1111", "378282246310005",
        "(212) 555-0142", "+44 20 7946 0958", "212.555.0142", "06 12 34 56 78", "192.168.10.254", "fe80::1",
        "2001:db8:85a3::8a2e:370:7334", "fe80:0:0:0:202:b3ff:fe1e:8329", "abcd::1", "dead:beef::cafe", "1 ", "0", "12", "345", "::", ":", ".", "-", " ", "+",
        "(", ")", "/", "a", "GB", "DE", "ff", "x", "é", "\n",
    ]

    /// A text of `count` pieces, some cut short or run together.
    static func draw(_ random: inout SplitMix64, count: Int) -> [UInt8] {
        var text: [UInt8] = []
        for _ in 0..<count {
            var piece = Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8)
            if random.next() % 4 == 0 { piece = Array(piece.prefix(Int(random.next() % UInt64(piece.count + 1)))) }
            text += piece
            if random.next() % 3 == 0 { text.append(UInt8(ascii: " ")) }
        }
        return text
    }

    /// What `detector` finds in `text`.
    static func matches(_ detector: some Detector, _ text: [UInt8]) -> [GuardrailMatch] {
        var matches: [GuardrailMatch] = []
        text.withUnsafeBufferPointer { detector.scan($0, into: &matches) }
        return matches
    }

    @Test("each detector finds with its trigger what it finds at every position")
    func sameMatches() {
        var random = SplitMix64(seed: 0x7216_6E2)
        var found = [String: Int]()
        for round in 0..<4000 {
            let text = Self.draw(&random, count: 1 + round % 12)
            func compare<D: Detector>(_ detector: D, everyPosition: D) {
                let skipping = Self.matches(detector, text)
                #expect(skipping == Self.matches(everyPosition, text), "\(D.self) on \(String(decoding: text, as: UTF8.self).debugDescription)")
                for match in skipping { found[match.typeName, default: 0] += 1 }
            }
            compare(SSNDetector(), everyPosition: SSNDetector(starts: .everyPosition))
            compare(CardNumberDetector(), everyPosition: CardNumberDetector(starts: .everyPosition))
            compare(PhoneDetector(), everyPosition: PhoneDetector(starts: .everyPosition))
            compare(IBANDetector(), everyPosition: IBANDetector(starts: .everyPosition))
            compare(IPAddressDetector(), everyPosition: IPAddressDetector(starts: .everyPosition))
        }
        // The draws exercise every detector, not only texts where nothing is found.
        for type in ["us_ssn", "credit_card", "phone", "iban", "ip_address"] { #expect(found[type, default: 0] >= 200, "\(type): \(found)") }
    }

    @Test("the first digit (or colon) is the one a byte-by-byte search finds, from any start")
    func firstDigit() {
        var random = SplitMix64(seed: 0xD161_7)
        for _ in 0..<5000 {
            let count = Int(random.next() % 40)
            // Mostly bytes that are neither, so that runs longer than a word occur.
            let text: [UInt8] = (0..<count).map { _ in
                random.next() % 8 == 0 ? [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: ":"), 0x2F, 0x3A, 0x3B, 0xB0, 0xB9][Int(random.next() % 8)] : UInt8(truncatingIfNeeded: random.next())
            }
            let start = Int(random.next() % UInt64(count + 2))
            for orColon in [false, true] {
                let expected = text.indices.first { $0 >= start && (ASCII.isDigit(text[$0]) || orColon && text[$0] == UInt8(ascii: ":")) } ?? count
                #expect(text.withUnsafeBufferPointer { ASCII.firstDigit(in: $0, from: start, orColon: orColon) } == expected)
            }
        }
    }

    @Test("the first of three bytes is the one a byte-by-byte search finds, from any start")
    func firstOfThree() {
        var random = SplitMix64(seed: 0x3C5B_23)
        let wanted = (UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "#"))
        for _ in 0..<5000 {
            let count = Int(random.next() % 40)
            // Mostly other bytes, their neighbours among them, so that runs longer than a word occur.
            let text: [UInt8] = (0..<count).map { _ in
                random.next() % 8 == 0 ? [0x3C, 0x5B, 0x23, 0x3B, 0x3D, 0x5A, 0x5C, 0x22, 0x24, 0xBC][Int(random.next() % 10)] : UInt8(truncatingIfNeeded: random.next())
            }
            let start = Int(random.next() % UInt64(count + 2))
            let expected = text.indices.first { $0 >= start && [wanted.0, wanted.1, wanted.2].contains(text[$0]) } ?? count
            #expect(text.withUnsafeBufferPointer { ASCII.first(of: wanted, in: $0, from: start) } == expected)
        }
    }
}
