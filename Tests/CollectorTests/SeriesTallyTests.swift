import Testing

@testable import Collector

@Suite("Summing a batch by series key")
struct SeriesTallyTests {
    @Test("10,000 drawn updates of either form, over key sets smaller and larger than the linear search's, runs of repeated keys at several positions among them, sum as a dictionary does, keys in first-seen order")
    func matchesDictionary() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let keySpace = [3, 8, 9, 40][round % 4]
            var tally = SeriesTally<String, Int>()
            var reference: [String: Int] = [:]
            var order: [String] = []
            var key = "a"
            for step in 0..<500 {
                // Mostly the key the position saw last; sometimes a new or an older one.
                if Int.random(in: 0..<4, using: &generator) == 0 { key = String(Int.random(in: 0..<keySpace, using: &generator)) }
                let position = Int.random(in: 0..<5, using: &generator)
                // Either form of update: with the key, or with a test of the remembered key first.
                if Bool.random(using: &generator) {
                    tally.update(key, position: position, make: { 0 }) { $0 += step }
                } else {
                    tally.update(position: position, matches: { $0.pointee == key }, key: { key }, make: { 0 }) { $0 += step }
                }
                if reference[key] == nil { order.append(key) }
                reference[key, default: 0] += step
            }
            var keys: [String] = []
            var sums: [String: Int] = [:]
            tally.forEach { key, sum in
                keys.append(key)
                sums[key] = sum
            }
            #expect(keys == order)
            #expect(sums == reference)
            #expect(tally.count == order.count)
        }
    }

    /// A value or key whose release the test can see.
    final class Tracked {}

    struct TrackedKey: Hashable {
        let id: Int
        let object: Tracked
        static func == (a: TrackedKey, b: TrackedKey) -> Bool { a.id == b.id }
        func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }

    @Test("every key and value a tally holds, moved through its growth, lives as long as the tally and is released with it")
    func releasesWhatItHolds() {
        var held: [() -> AnyObject?] = []
        do {
            var tally = SeriesTally<TrackedKey, Tracked>()
            for id in 0..<40 {
                let key = TrackedKey(id: id, object: Tracked())
                held.append { [weak object = key.object] in object }
                tally.update(key, position: id % SeriesTally<TrackedKey, Tracked>.positions, make: { Tracked() }) { value in
                    let object = value
                    held.append { [weak object] in object }
                }
            }
            #expect(tally.count == 40)
            #expect(held.allSatisfy { $0() != nil })
        }
        #expect(held.count == 80)
        #expect(held.allSatisfy { $0() == nil })
    }
}
