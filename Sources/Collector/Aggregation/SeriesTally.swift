/// Values by series key for one batch of traces, in the order the keys were first seen.
///
/// Consecutive traces mostly share every label, so each caller-chosen position (a gate's place
/// in the trace, say) remembers the slot it used last and tries it first: a repeated key costs an
/// equality check, which for the shared strings of a ring's traces is a comparison of their
/// storage, rather than hashing every label into the index.
///
/// Keys and values lie in storage the tally owns, read and changed in place: an array's buffer
/// is retained and released around each read of a key through it, and checked for uniqueness at
/// each change of a value, several times a trace. Hence not copyable.
struct SeriesTally<Key: Hashable, Value>: ~Copyable {
    private var keys: UnsafeMutablePointer<Key>
    private var values: UnsafeMutablePointer<Value>
    /// Keys held.
    private(set) var count = 0
    private var capacity: Int
    private var index: [Key: Int] = [:]
    /// The slot each position used last, -1 before it used one.
    private var recent = InlineArray<8, Int>(repeating: -1)

    /// Positions a caller may look keys up from: 0 up to this.
    static var positions: Int { 8 }

    init() {
        capacity = 8
        keys = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
    }

    deinit {
        keys.deinitialize(count: count)
        values.deinitialize(count: count)
        keys.deallocate()
        values.deallocate()
    }

    /// Applies `update` to the value of `key`, made by `make` when the key is new; `position`
    /// (below ``positions``) names where the caller looks keys up from.
    mutating func update(_ key: Key, position: Int = 0, make: () -> Value, _ update: (inout Value) -> Void) {
        let last = recent[position]
        let slot: Int
        if last >= 0, keys[last] == key {
            slot = last
        } else {
            slot = self.slot(of: key) ?? append(key, make())
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
        let last = recent[position]
        if last >= 0, matches(keys + last) {
            update(&values[last])
        } else {
            self.update(key(), position: position, make: make, update)
        }
    }

    /// Calls `body` with each key and its value, in the order first seen.
    func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for slot in 0..<count { try body(keys[slot], values[slot]) }
    }

    /// Keys up to this many are found by comparing them in turn, cheaper than hashing for the few
    /// series of a batch; past it they are indexed.
    static var linearSearchLimit: Int { 8 }

    private func slot(of key: Key) -> Int? {
        index.isEmpty ? (0..<count).first { keys[$0] == key } : index[key]
    }

    /// Adds `key` with `value` in the next slot, and returns the slot.
    private mutating func append(_ key: Key, _ value: Value) -> Int {
        if count == capacity { grow() }
        (keys + count).initialize(to: key)
        (values + count).initialize(to: value)
        count += 1
        if !index.isEmpty {
            index[key] = count - 1
        } else if count > Self.linearSearchLimit {
            index = Dictionary(uniqueKeysWithValues: (0..<count).map { (keys[$0], $0) })
        }
        return count - 1
    }

    private mutating func grow() {
        capacity *= 2
        let (movedKeys, movedValues) = (UnsafeMutablePointer<Key>.allocate(capacity: capacity), UnsafeMutablePointer<Value>.allocate(capacity: capacity))
        movedKeys.moveInitialize(from: keys, count: count)
        movedValues.moveInitialize(from: values, count: count)
        keys.deallocate()
        values.deallocate()
        (keys, values) = (movedKeys, movedValues)
    }
}
