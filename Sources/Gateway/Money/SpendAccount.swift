import GatewayModel

/// Where one budget period (a ``SpendKey``) stands on this node: the ledger's total as of the
/// last flush, the spend settled here since, and the worst cases reserved by requests in flight.
struct SpendAccount {
    /// Spend and request count not yet in the ledger.
    struct Tally {
        var microUSD: Int64 = 0
        var requests: Int64 = 0

        var isZero: Bool { microUSD == 0 && requests == 0 }

        /// Adds `other`, saturating.
        mutating func add(_ other: Tally) {
            microUSD = microUSD.saturatingAdd(other.microUSD)
            requests = requests.saturatingAdd(other.requests)
        }
    }

    /// The ledger's total (every replica's spend) as of the last flush.
    var ledger: Int64 = 0
    /// Spend handed to a flush that has not completed.
    var flushing = Tally()
    /// Spend settled since the last flush began.
    var unflushed = Tally()
    /// Worst cases reserved by requests in flight.
    var reserved: Int64 = 0

    /// Settled spend: the ledger's and this node's not yet in it.
    var settled: Int64 { ledger.saturatingAdd(flushing.microUSD).saturatingAdd(unflushed.microUSD) }

    /// Reserves a request's worst case.
    mutating func reserve(_ amount: Int64) {
        reserved = reserved.saturatingAdd(amount)
    }

    /// Gives back a reservation; a sum that saturated cannot go below zero.
    mutating func release(_ amount: Int64) {
        reserved = max(0, reserved.saturatingSubtract(amount))
    }

    /// Replaces a request's reservation with what it spent.
    mutating func settle(reserved amount: Int64, spent: Tally) {
        release(amount)
        unflushed.add(spent)
    }
}
