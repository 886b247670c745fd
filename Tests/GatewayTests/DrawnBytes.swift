import NIOCore
import TestSupport

/// Byte-level draws shared by the parser tests: a message cut into reads, and a message damaged
/// in place.
enum DrawnBytes {
    /// `bytes` cut into 1 to 8 reads at random places.
    static func split(_ bytes: [UInt8], _ random: inout SplitMix64) -> [ByteBuffer] {
        var cuts = (0..<Int.random(in: 0...7, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
        cuts = ([0] + cuts + [bytes.count]).sorted()
        return zip(cuts, cuts.dropFirst()).map { ByteBuffer(bytes: bytes[$0..<$1]) }
    }

    /// `bytes` with 1 to 4 random damages: a byte replaced by one of `replacements`, a byte
    /// removed, or one of `insertions` inserted.
    static func mutate(_ bytes: inout [UInt8], replacements: [UInt8], insertions: [String], _ random: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0..<max(1, bytes.count), using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !bytes.isEmpty: bytes[at] = replacements.randomElement(using: &random)!
            case 1 where !bytes.isEmpty: bytes.remove(at: at)
            default: bytes.insert(contentsOf: Array(insertions.randomElement(using: &random)!.utf8), at: min(at, bytes.count))
            }
        }
    }
}
