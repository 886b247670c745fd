/// The Luhn checksum of card numbers.
enum Luhn {
    /// Whether `digits` (values 0...9) pass the Luhn check.
    static func isValid(_ digits: some BidirectionalCollection<UInt8>) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
