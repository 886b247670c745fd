import TestSupport
import Testing

@testable import Collector

@Suite("Protocol buffers writer")
struct ProtobufWriterTests {
    /// A drawn tree of messages: each node holds string leaves and nested messages.
    indirect enum Node: Equatable {
        case text(field: Int, String)
        case message(field: Int, [Node])
    }

    @Test("500 drawn trees of nested messages, lengths across the one-, two- and three-byte varint bounds, read back by an independent reader as written")
    func nestedLengths() throws {
        var generator = SplitMix64(seed: 0x9B0F)
        for _ in 0..<500 {
            let tree = Self.draw(depth: 0, using: &generator)
            var writer = ProtobufWriter()
            Self.write(tree, to: &writer)
            #expect(try Self.read(writer.bytes[...]) == tree)
        }
    }

    @Test("trace and span ids: a length-delimited field of 16 or 8 bytes, each half most significant byte first")
    func ids() {
        var generator = SplitMix64(seed: 0x1D5)
        for _ in 0..<100 {
            let (high, low, span) = (generator.next(), generator.next(), generator.next())
            var writer = ProtobufWriter()
            writer.id(1, high, low)
            writer.id(2, span)
            let bigEndian = { (value: UInt64) in (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
            #expect(writer.bytes == [0x0A, 16] + bigEndian(high) + bigEndian(low) + [0x12, 8] + bigEndian(span))
        }
    }

    @Test("2,000 drawn attributes, their lengths counted before their bytes, are the bytes of the same attribute written as nested messages")
    func attributes() {
        var generator = SplitMix64(seed: 0xA77)
        let lengths = [0, 1, 5, 126, 127, 128, 300, 16_383, 16_384]
        for _ in 0..<2_000 {
            let field = Int.random(in: 1...20, using: &generator)
            let key = String(repeating: "k", count: lengths.randomElement(using: &generator)!)
            let value: OTLPAttribute.Value
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: value = .string(String(repeating: "v", count: lengths.randomElement(using: &generator)!))
            case 1: value = .bool(Bool.random(using: &generator))
            case 2: value = .int([0, 1, -1, .min, .max, 127, 128, Int64(bitPattern: generator.next())].randomElement(using: &generator)!)
            default: value = .double([0, -0.0, .nan, .infinity, 1e300, Double(bitPattern: generator.next())].randomElement(using: &generator)!)
            }
            var counted = ProtobufWriter()
            counted.attribute(field, key, value)
            var nested = ProtobufWriter()
            nested.message(field) { keyValue in
                keyValue.string(1, key)
                keyValue.message(2) { any in
                    switch value {
                    case .string(let text): any.string(1, text, always: true)
                    case .bool(let flag): any.bool(2, flag, always: true)
                    case .int(let number): any.int64(3, number, always: true)
                    case .double(let number): any.double(4, number)
                    }
                }
            }
            #expect(counted.bytes == nested.bytes, "field \(field), key of \(key.utf8.count) bytes, \(value)")
        }
    }

    private static func draw(depth: Int, using generator: inout SplitMix64) -> [Node] {
        (0..<Int.random(in: 0...4, using: &generator)).map { _ in
            let field = Int.random(in: 1...15, using: &generator)
            if depth < 3 && Bool.random(using: &generator) { return .message(field: field, draw(depth: depth + 1, using: &generator)) }
            // Lengths near the bounds of a one- and two-byte length.
            let length = [1, 126, 127, 128, 129, 300, 16_382, 16_383, 16_384, 20_000].randomElement(using: &generator)!
            return .text(field: field, String(repeating: "x", count: length))
        }
    }

    private static func write(_ nodes: [Node], to writer: inout ProtobufWriter) {
        for node in nodes {
            switch node {
            case .text(let field, let text): writer.string(field, text, always: true)
            case .message(let field, let children): writer.message(field) { write(children, to: &$0) }
            }
        }
    }

    struct Malformed: Error {}

    /// Reads length-delimited fields; a field whose bytes read as fields entirely is a message,
    /// anything else (here: runs of `x`) text.
    private static func read(_ bytes: ArraySlice<UInt8>) throws -> [Node] {
        var nodes: [Node] = []
        var index = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.endIndex, shift < 64 else { throw Malformed() }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while index < bytes.endIndex {
            let tag = try varint()
            guard tag & 7 == 2 else { throw Malformed() }
            let length = Int(try varint())
            guard length <= bytes.endIndex - index else { throw Malformed() }
            let body = bytes[index..<(index + length)]
            index += length
            if !body.isEmpty && body.allSatisfy({ $0 == UInt8(ascii: "x") }) {
                nodes.append(.text(field: Int(tag >> 3), String(decoding: body, as: UTF8.self)))
            } else if let children = try? read(body) {
                nodes.append(.message(field: Int(tag >> 3), children))
            } else {
                throw Malformed()
            }
        }
        return nodes
    }
}
