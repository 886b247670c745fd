import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import Gateway

/// The ids of the recorders that took a trace, in the order they took it.
private final class RecordLog: Sendable {
    let ids = Mutex<[Int]>([])
}

/// Writes its id to a log shared by several recorders, once per trace it takes.
private final class LoggingRecorder: RequestRecorder {
    let id: Int
    let log: RecordLog

    init(id: Int, log: RecordLog) {
        self.id = id
        self.log = log
    }

    func record(_ trace: RequestTrace) { log.ids.withLock { $0.append(id) } }
}

/// A drawn tree of lists: a leaf is a recorder, an inner node a list of subtrees.
private indirect enum Tree {
    case leaf(Int)
    case list([Tree])

    /// The recorder ids a trace reaches, in order, when each list hands it to its items in turn.
    var order: [Int] {
        switch self {
        case .leaf(let id): [id]
        case .list(let items): items.flatMap(\.order)
        }
    }

    func recorder(log: RecordLog) -> any RequestRecorder {
        switch self {
        case .leaf(let id): LoggingRecorder(id: id, log: log)
        case .list(let items): RecorderList(items.map { $0.recorder(log: log) })
        }
    }
}

@Suite("A list of recorders")
struct RecorderListTests {
    /// A list of up to four items, each a leaf or (above depth 0) a list of its own.
    private static func draw(depth: Int, next: inout Int, using random: inout SplitMix64) -> Tree {
        var items: [Tree] = []
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            if depth > 0 && Bool.random(using: &random) {
                items.append(draw(depth: depth - 1, next: &next, using: &random))
            } else {
                items.append(.leaf(next))
                next += 1
            }
        }
        return .list(items)
    }

    @Test("drawn nestings of lists hand each trace to every recorder once, in the order of the nesting")
    func drawnNestings() throws {
        var random = SplitMix64(seed: 0x5EC0)
        for _ in 0..<300 {
            var next = 0
            let tree = Self.draw(depth: 3, next: &next, using: &random)
            let log = RecordLog()
            let list = tree.recorder(log: log)
            // One flat list: no list within it, one item for each recorder.
            let items = try #require(list as? RecorderList).recorders
            #expect(!items.contains { $0 is RecorderList } && items.count == tree.order.count)
            let traces = Int.random(in: 1...3, using: &random)
            for _ in 0..<traces { list.record(RequestTrace(traceID: .next(), startUnixNanos: 0, operation: "chat")) }
            let expected = Array(repeating: tree.order, count: traces).flatMap { $0 }
            #expect(log.ids.withLock { $0 } == expected)
        }
    }
}
