import GatewayModel
import TestSupport
import Testing

@testable import Gateway

@Suite("The memo of a connection's last key")
struct KeyDigestMemoTests {
    @Test("drawn sequences of close keys each get their own SHA-256, remembered or not")
    func drawnKeys() {
        let key = Array("sk-gw-memo-0123456789abcdef".utf8)
        let pool: [[UInt8]] = [
            key, key.dropLast() + [UInt8(ascii: "g")], Array(key.dropLast()), key + [0], [UInt8(ascii: "X")] + key.dropFirst(), [],
            Array(repeating: UInt8(ascii: "k"), count: KeyDigestMemo.maxKeyBytes), Array(repeating: UInt8(ascii: "k"), count: KeyDigestMemo.maxKeyBytes + 1),
        ]
        var random = SplitMix64(seed: 0x3E30)
        let memo = KeyDigestMemo()
        for _ in 0..<2_000 {
            let drawn = pool[Int.random(in: 0..<pool.count, using: &random)]
            let digest = drawn.withUnsafeBytes { memo.digest(of: $0) }
            #expect(digest == KeyDigest(of: drawn), "\(String(decoding: drawn, as: UTF8.self))")
        }
    }
}
