/// Strings held once however many traces name them, each counted by the traces that hold it and
/// dropped when the last one is overwritten, so the table never outgrows the ring's contents.
///
/// Id 0 is the empty string, never counted. A slot names a string at most 18 times and a ring has
/// at most 2^24 slots, so a count stays far below 2^32. Not thread-safe: the ring holds it under
/// its lock.
struct InternTable {
    private var ids: [String: UInt32] = [:]
    private var strings: [String] = [""]
    private var counts: [UInt32] = [0]
    private var free: [UInt32] = []
    /// Most ids this table hands out (besides 0); strings past it are held as the empty string.
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Bytes of text held (the strings' UTF-8), for the ring's memory report.
    var textBytes: Int { ids.keys.reduce(0) { $0 + $1.utf8.count } }

    /// The id of `string`, counting one more holder. `hint` is an id that likely holds the same
    /// string (the previous trace's): checked by content, it saves hashing when it does.
    mutating func retain(_ string: String, hint: UInt32 = 0) -> UInt32 {
        guard !string.isEmpty else { return 0 }
        if hint != 0, strings[Int(hint)] == string {
            counts[Int(hint)] += 1
            return hint
        }
        if let id = ids[string] {
            counts[Int(id)] += 1
            return id
        }
        let id: UInt32
        if let reused = free.popLast() {
            id = reused
            strings[Int(id)] = string
            counts[Int(id)] = 1
        } else {
            guard strings.count <= limit else { return 0 }
            id = UInt32(strings.count)
            strings.append(string)
            counts.append(1)
        }
        ids[string] = id
        return id
    }

    /// Counts one holder of `id` less, dropping its string when none is left.
    mutating func release(_ id: UInt32) {
        guard id != 0 else { return }
        let index = Int(id)
        counts[index] -= 1
        guard counts[index] == 0 else { return }
        ids[strings[index]] = nil
        strings[index] = ""
        free.append(id)
    }

    /// The string of `id`.
    func string(_ id: UInt32) -> String { strings[Int(id)] }
}
