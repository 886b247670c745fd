extension FixedWidthInteger {
    /// `self + other`, held at the type's bounds instead of trapping on overflow.
    @inlinable public func saturatingAdd(_ other: Self) -> Self {
        let (value, overflow) = addingReportingOverflow(other)
        guard overflow else { return value }
        return other > .zero ? .max : .min
    }

    /// `self - other`, held at the type's bounds instead of trapping on overflow.
    @inlinable public func saturatingSubtract(_ other: Self) -> Self {
        let (value, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return value }
        return other > .zero ? .min : .max
    }

    /// `self * other`, held at the type's bounds instead of trapping on overflow.
    @inlinable public func saturatingMultiply(_ other: Self) -> Self {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return value }
        return (self < .zero) == (other < .zero) ? .max : .min
    }
}
