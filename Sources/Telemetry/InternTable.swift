/// Strings held once however many traces name them. Each string remembers the sequence number of
/// the last trace that named it, and a sweep drops those that no trace in the ring names any more.
///
/// A sweep runs when a new string finds the table holding twice the strings it kept at the last
/// sweep (and at least ``minimumSweep``), so its cost is spread over the strings added since, and
/// the table holds at most twice the strings the ring named then. Naming a string keeps no count
/// and overwriting a trace costs nothing. Id 0 is the empty string, never dropped. Not
/// thread-safe: the ring holds it under its lock.
///
/// Readers decode traces with a copy of the strings of their own (``InternMirror``), kept up to
/// date from the ids this table sets (``takeChanges()``): a reader neither holds the ring's lock
/// while it decodes nor shares an array the writers change.
struct InternTable {
    private var ids: [String: UInt32] = [:]
    private(set) var strings = [""]
    /// Each string's bits (``StringBits``), beside it: comparing them reads no string.
    private var bits = [StringBits("")]
    /// Sequence number of the last trace that named each string.
    private var lastUses: [UInt64] = [.max]
    private var free: [UInt32] = []
    /// Strings held at which the next new string sweeps first.
    private var sweepAt = Self.minimumSweep
    /// The first sequence number whose trace may sweep a table that is at its ``limit``: at most
    /// one sweep per ``limit`` traces, however many new strings find it full.
    private var nextSweepAtLimit: UInt64 = 0
    /// Ids set since the last ``takeChanges()``, in order, each with its new string (empty when
    /// dropped).
    private var changes: [(id: UInt32, string: String)] = []
    /// Whether ``changes`` outgrew the table and was dropped: the next reader takes every string.
    private var changesDropped = false
    /// Most ids this table hands out (besides 0); strings past it are held as the empty string.
    let limit: Int

    /// Fewest strings held before a sweep is worth its scan.
    static let minimumSweep = 64

    init(limit: Int) { self.limit = limit }

    /// Bytes of text held (the strings' UTF-8), for the ring's memory report.
    var textBytes: Int { ids.keys.reduce(0) { $0 + $1.utf8.count } }

    /// The id of `string`, named by the trace numbered `sequence` in a ring of `capacity` slots.
    /// `hint` is an id that likely holds the same string (the previous trace's): when it holds
    /// the very same string, no hashing is needed.
    @inline(__always)
    mutating func id(of string: String, hint: UInt32, sequence: UInt64, capacity: Int) -> UInt32 {
        if string.isEmpty { return 0 }
        if bits[Int(hint)] == StringBits(string) {
            lastUses[Int(hint)] = sequence
            return hint
        }
        return lookUp(string, sequence: sequence, capacity: capacity)
    }

    /// The id of `string` (not empty) by its hash, a new one when the table holds no such string.
    @inline(never)
    private mutating func lookUp(_ string: String, sequence: UInt64, capacity: Int) -> UInt32 {
        if let id = ids[string] {
            lastUses[Int(id)] = sequence
            return id
        }
        if ids.count >= sweepAt || (free.isEmpty && strings.count > limit && sequence >= nextSweepAtLimit) {
            sweep(sequence: sequence, capacity: capacity)
        }
        let id: UInt32
        if let reused = free.popLast() {
            id = reused
            (strings[Int(id)], bits[Int(id)], lastUses[Int(id)]) = (string, StringBits(string), sequence)
        } else {
            guard strings.count <= limit else { return 0 }
            id = UInt32(strings.count)
            strings.append(string)
            bits.append(StringBits(string))
            lastUses.append(sequence)
        }
        ids[string] = id
        logChange(id, string)
        return id
    }

    /// Notes that `id` now holds `string`. A log longer than the table is dropped, and the next
    /// reader copies the whole table instead: the log stays within the table's size when no one
    /// reads, and a copy is made at most once per as many changes as the table holds strings.
    private mutating func logChange(_ id: UInt32, _ string: String) {
        guard !changesDropped else { return }
        if changes.count < max(Self.minimumSweep, strings.count) {
            changes.append((id, string))
        } else {
            changes = []
            changesDropped = true
        }
    }

    /// What a reader's mirror needs to catch up with this table since the last call.
    mutating func takeChanges() -> Changes {
        if changesDropped {
            changesDropped = false
            return .all(strings)
        }
        if changes.isEmpty { return .ids([]) }
        let taken = changes
        changes = []
        return .ids(taken)
    }

    /// The strings an ``InternTable`` set since a reader last caught up.
    enum Changes {
        /// Each id set, in order, with its string.
        case ids([(id: UInt32, string: String)])
        /// Every string by id (the log had outgrown the table).
        case all([String])
    }

    /// Drops every string that no trace still in the ring names, once the trace numbered
    /// `sequence` has taken its slot.
    mutating func sweep(sequence: UInt64, capacity: Int) {
        let oldestKept = sequence >= UInt64(capacity) ? sequence - UInt64(capacity) + 1 : 0
        for index in 1..<strings.count where lastUses[index] < oldestKept && !strings[index].isEmpty {
            ids[strings[index]] = nil
            (strings[index], bits[index]) = ("", StringBits(""))
            free.append(UInt32(index))
            logChange(UInt32(index), "")
        }
        sweepAt = max(Self.minimumSweep, 2 * ids.count)
        if strings.count > limit { nextSweepAtLimit = sequence &+ UInt64(limit) }
    }
}

/// A string's two words as they lie in memory. Two strings with the same bits are equal: both are
/// copies of one stored string (its bits name the storage, which lives while a copy does) or the
/// same small string (its bits hold the bytes). Equal strings may differ in bits.
struct StringBits: Equatable {
    private let words: (UInt64, UInt64)

    @inline(__always)
    init(_ string: String) { words = unsafeBitCast(string, to: (UInt64, UInt64).self) }

    @inline(__always)
    static func == (a: StringBits, b: StringBits) -> Bool { a.words == b.words }
}
