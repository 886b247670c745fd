import GatewayModel

/// Where one budget period (a ``SpendKey``) stands on this node: the ledger's total as of the
/// last flush, the spend settled here since, and the worst cases reserved by requests in flight.
/// A class: ``Metering`` keeps one per key and the holds of the requests in flight point at
/// theirs, so that a request settles without looking its accounts up again.
final class SpendAccount {
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
    var ledger: Int64
    /// Spend handed to a flush that has not completed.
    var flushing = Tally()
    /// Spend settled since the last flush began.
    var unflushed = Tally()
    /// Worst cases reserved by requests in flight.
    var reserved: Int64 = 0
    /// Requests in flight that will settle here: the account is kept while any does, even when
    /// their reservations are zero.
    var holders = 0

    /// An account whose ledger total is `ledger`.
    init(ledger: Int64 = 0) {
        self.ledger = ledger
    }

    /// Settled spend: the ledger's and this node's not yet in it.
    var settled: Int64 { ledger.saturatingAdd(flushing.microUSD).saturatingAdd(unflushed.microUSD) }

    /// Whether the account holds nothing worth keeping beyond what the ledger has.
    var isIdle: Bool { unflushed.isZero && reserved == 0 && holders == 0 }

    /// Reserves a request's worst case until it settles or is released.
    func reserve(_ amount: Int64) {
        reserved = reserved.saturatingAdd(amount)
        holders += 1
    }

    /// Gives back a reservation whose request will not settle; a sum that saturated cannot go below zero.
    func release(_ amount: Int64) {
        reserved = max(0, reserved.saturatingSubtract(amount))
        holders -= 1
    }

    /// Replaces a request's reservation with what it spent.
    func settle(reserved amount: Int64, spent: Tally) {
        release(amount)
        unflushed.add(spent)
    }
}
