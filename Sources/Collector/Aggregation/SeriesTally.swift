/// Values by series key for one batch of traces, in the order the keys were first seen.
///
/// Consecutive traces mostly share every label, so each caller-chosen position (a gate's place
/// in the trace, say) remembers the slot it used last and tries it first: a repeated key costs an
/// equality check, which for the shared strings of a ring's traces is a comparison of their
/// storage, rather than hashing every label into the index.
struct SeriesTally<Key: Hashable, Value> {
    private(set) var keys: [Key] = []
    private(set) var values: [Value] = []
    private var index: [Key: Int] = [:]
    private var recent: [Int] = []

    /// Applies `update` to the value of `key`, made by `make` when the key is new; `position`
    /// names where the caller looks keys up from (0 when it has one place).
    mutating func update(_ key: Key, position: Int = 0, make: () -> Value, _ update: (inout Value) -> Void) {
        let slot: Int
        if position < recent.count, recent[position] >= 0, keys[recent[position]] == key {
            slot = recent[position]
        } else {
            if let known = self.slot(of: key) {
                slot = known
            } else {
                slot = keys.count
                keys.append(key)
                values.append(make())
                if !index.isEmpty {
                    index[key] = slot
                } else if keys.count > Self.linearSearchLimit {
                    index = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
                }
            }
            while recent.count <= position { recent.append(-1) }
            recent[position] = slot
        }
        update(&values[slot])
    }

    /// Applies `update` like ``update(_:position:make:_:)``, but tries the key `position` used
    /// last with `matches` first, and builds the key with `key` only when it is not that one: a
    /// repeated key costs no copy of its labels.
    mutating func update(
        position: Int, matches: (UnsafePointer<Key>) -> Bool, key: () -> Key, make: () -> Value, _ update: (inout Value) -> Void
    ) {
        // The key is read in place, through a pointer: `keys[slot]`, or a borrow of it, copies it,
        // retaining each of its labels.
        if position < recent.count, recent[position] >= 0, keys.withUnsafeBufferPointer({ matches($0.baseAddress! + recent[position]) }) {
            update(&values[recent[position]])
        } else {
            self.update(key(), position: position, make: make, update)
        }
    }

    /// Keys up to this many are found by comparing them in turn, cheaper than hashing for the few
    /// series of a batch; past it they are indexed.
    static var linearSearchLimit: Int { 8 }

    private func slot(of key: Key) -> Int? {
        index.isEmpty ? keys.firstIndex(of: key) : index[key]
    }

    /// Each key with its value, in the order first seen.
    var entries: Zip2Sequence<[Key], [Value]> { zip(keys, values) }
}
