import NIOCore

extension NIODeadline {
    /// Whole nanoseconds from `earlier` to this instant, zero when `earlier` is later. The data
    /// plane times requests on NIO's monotonic clock: one read of it is one `clock_gettime`, and
    /// a span is a subtraction of two integers.
    func nanoseconds(since earlier: NIODeadline) -> UInt64 {
        uptimeNanoseconds > earlier.uptimeNanoseconds ? uptimeNanoseconds - earlier.uptimeNanoseconds : 0
    }
}
