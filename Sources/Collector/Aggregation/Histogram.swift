/// A cumulative histogram with fixed bucket bounds.
public struct Histogram: Sendable, Equatable {
    /// Upper bounds of the buckets, ascending; `+Inf` is implied.
    public let bounds: [Double]
    /// Observations per bucket (not cumulative); one more than `bounds` for `+Inf`.
    public private(set) var counts: [UInt64]
    /// Sum of the observations.
    public private(set) var sum: Double = 0
    /// Number of observations.
    public private(set) var count: UInt64 = 0

    /// An empty histogram over `bounds`.
    public init(bounds: [Double]) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Records one observation.
    public mutating func observe(_ value: Double) {
        counts[bounds.firstIndex { value <= $0 } ?? bounds.count] += 1
        sum += value
        count += 1
    }

    /// Adds the observations of `other`, which has the same bounds.
    public mutating func merge(_ other: Histogram) {
        precondition(other.bounds == bounds, "histograms with different bounds")
        for index in counts.indices { counts[index] += other.counts[index] }
        sum += other.sum
        count += other.count
    }

    /// Bucket bounds of the OpenTelemetry GenAI conventions, in seconds.
    public enum Buckets {
        /// `gen_ai.client.operation.duration`.
        public static let operation: [Double] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
        /// `gen_ai.server.time_to_first_token`.
        public static let timeToFirstToken: [Double] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0]
        /// `gen_ai.client.token.usage`, in tokens.
        public static let tokens: [Double] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864]
        /// Gate evaluation: microseconds to a second.
        public static let gate: [Double] = [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.005, 0.025, 0.1, 0.5, 1]
    }
}
