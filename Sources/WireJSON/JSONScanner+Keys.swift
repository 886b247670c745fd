extension JSONScanner {
    /// The names of the fields a scan looks for. Their UTF-8 is laid out once, so a member's name
    /// is compared in place: lengths first, then bytes. Make a set once (a `static let`) where a
    /// scan runs on every request.
    public struct Keys: Sendable, ExpressibleByArrayLiteral {
        /// How many names there are.
        public let count: Int
        /// The names' UTF-8, one after the other: the set's one reference.
        private let utf8: [UInt8]
        /// Byte `i` is the length of name `i`.
        private let lengths: UInt64
        /// Byte `i` is where name `i` starts in `utf8` (names are at most 255 bytes in all).
        private let starts: UInt64
        /// The high bit of each byte of `lengths` that belongs to a name.
        private let used: UInt64

        /// A set of at most ``Fields/capacity`` names, of at most 255 bytes in all.
        public init(_ names: [String]) {
            precondition(names.count <= Fields.capacity, "a scan looks for at most \(Fields.capacity) keys")
            precondition(names.reduce(0) { $0 + $1.utf8.count } <= 255, "the keys are at most 255 bytes long in all")
            count = names.count
            utf8 = names.flatMap(\.utf8)
            lengths = names.enumerated().reduce(0) { $0 | UInt64($1.element.utf8.count) << ($1.offset * 8) }
            starts = names.indices.reduce(0) { $0 | UInt64(names[..<$1].reduce(0) { $0 + $1.utf8.count }) << ($1 * 8) }
            used = names.indices.reduce(0) { $0 | 0x80 << ($1 * 8) }
        }

        /// A set of the names written.
        public init(arrayLiteral names: String...) { self.init(names) }

        /// The name at `position`.
        public func name(at position: Int) -> String {
            precondition(position >= 0 && position < count, "no such key")
            let start = start(at: position)
            return String(decoding: utf8[start..<(start + length(at: position))], as: UTF8.self)
        }

        /// The position of the name whose UTF-8 is `name`; nil when none is.
        func position(of name: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
            let wanted = name.count
            guard wanted <= 255 else { return nil }
            // The bytes of `lengths` equal to `wanted`, found all at once: most names are none of the
            // keys and are turned away here without a loop. A borrow carries only towards later
            // bytes, so a bit above the lowest may mark a length one off; each is checked again.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let differences = lengths ^ (ones &* UInt64(truncatingIfNeeded: wanted))
            var matches = (differences &- ones) & ~differences & (ones &* 0x80) & used
            guard matches != 0 else { return nil }
            return utf8.withUnsafeBufferPointer { utf8 in
                repeat {
                    let position = matches.trailingZeroBitCount &>> 3
                    let start = start(at: position)
                    if length(at: position) == wanted, wanted == 0 || Self.equal(utf8.baseAddress! + start, name.base.baseAddress! + name.startIndex, count: wanted) {
                        return position
                    }
                    matches &= matches &- 1
                } while matches != 0
                return nil
            }
        }

        /// Whether the `count` bytes at `first` and at `second` are the same, eight at a time.
        private static func equal(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, count: Int) -> Bool {
            var offset = 0
            while offset &+ 8 <= count {
                let word = UnsafeRawPointer(first + offset).loadUnaligned(as: UInt64.self)
                guard word == UnsafeRawPointer(second + offset).loadUnaligned(as: UInt64.self) else { return false }
                offset &+= 8
            }
            while offset < count {
                guard first[offset] == second[offset] else { return false }
                offset &+= 1
            }
            return true
        }

        private func length(at position: Int) -> Int { Int(truncatingIfNeeded: lengths &>> (position &* 8)) & 0xFF }
        private func start(at position: Int) -> Int { Int(truncatingIfNeeded: starts &>> (position &* 8)) & 0xFF }
    }
}
