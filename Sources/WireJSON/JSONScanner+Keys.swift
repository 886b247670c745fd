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

        /// A set of at most ``Fields/capacity`` names, each of at most 255 bytes.
        public init(_ names: [String]) {
            precondition(names.count <= Fields.capacity, "a scan looks for at most \(Fields.capacity) keys")
            precondition(names.allSatisfy { $0.utf8.count <= 255 }, "a key is at most 255 bytes long")
            count = names.count
            utf8 = names.flatMap(\.utf8)
            lengths = names.enumerated().reduce(0) { $0 | UInt64($1.element.utf8.count) << ($1.offset * 8) }
        }

        /// A set of the names written.
        public init(arrayLiteral names: String...) { self.init(names) }

        /// The name at `position`.
        public func name(at position: Int) -> String {
            precondition(position >= 0 && position < count, "no such key")
            let start = (0..<position).reduce(0) { $0 + length(at: $1) }
            return String(decoding: utf8[start..<(start + length(at: position))], as: UTF8.self)
        }

        /// The position of the name whose UTF-8 is `name`; nil when none is.
        func position(of name: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
            let wanted = name.count
            guard wanted <= 255 else { return nil }
            return utf8.withUnsafeBufferPointer { utf8 in
                var start = 0
                for position in 0..<count {
                    let keyLength = length(at: position)
                    if keyLength == wanted, UnsafeBufferPointer(rebasing: utf8[start..<(start &+ wanted)]).elementsEqual(name) {
                        return position
                    }
                    start &+= keyLength
                }
                return nil
            }
        }

        private func length(at position: Int) -> Int { Int(truncatingIfNeeded: lengths &>> (position &* 8)) & 0xFF }
    }
}
