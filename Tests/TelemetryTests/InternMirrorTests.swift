import Testing

@testable import Telemetry

@Suite("A reader's copy of an intern table")
struct InternMirrorTests {
    @Test("caught up at drawn points, the copy holds every id's string as the table does: new, dropped and reused ids, and after the log outgrew the table")
    func catchesUp() {
        var draw = Draws(seed: 0x0C0F_FEE5)
        var caughtUpAfterOutgrowing = false
        for capacity in [1, 8, 100] {
            var table = InternTable(limit: 500)
            var mirror = InternMirror()
            var sequence: UInt64 = 0
            for _ in 0..<60 {
                // Runs of up to 600 strings between catch-ups, from a pool larger than the table's limit.
                let run = draw(600)
                for _ in 0..<run {
                    _ = table.id(of: "string-\(draw(2_000))", hint: 0, sequence: sequence, capacity: capacity)
                    sequence += 1
                }
                let changes = table.takeChanges()
                if case .all = changes { caughtUpAfterOutgrowing = true }
                mirror.apply(changes)
                #expect(mirror.strings == table.strings)
            }
        }
        #expect(caughtUpAfterOutgrowing)
    }
}
