import Foundation

/// Precision and recall of the detectors on a labelled corpus: JSON lines of
/// `{"id", "text", "variant", "labels": [{"check", "type"}]}`, every check on. PII and secrets
/// count by type (a card found as a phone is a miss and a false alarm); prompt injection counts by
/// check, since its families overlap. `gateway guardrails eval FILE` prints it; an operator can
/// measure the checks on their own labelled data the same way.
public struct GuardrailEvaluation: Sendable {
    /// One labelled text.
    public struct Item: Decodable, Sendable {
        /// A label: a check and a type.
        public struct Label: Decodable, Hashable, Sendable {
            /// The check, e.g. `pii`.
            public var check: String
            /// The type, e.g. `email`.
            public var type: String
        }
        /// A unique id.
        public var id: String
        /// The text the checks read.
        public var text: String
        /// What the item stands for (`pii/email`, `twin`, `injection/base64`, `benign`, ...).
        public var variant: String
        /// What the checks should find; empty for a negative.
        public var labels: [Label]
    }

    /// Counts of one check or one variant.
    public struct Tally: Sendable, Equatable {
        /// Items counted.
        public var items = 0
        /// Labels found.
        public var truePositives = 0
        /// Findings without a label.
        public var falsePositives = 0
        /// Labels not found.
        public var falseNegatives = 0
        /// Counts one label that was `labelled`, `found`, or both.
        mutating func count(labelled: Bool, found: Bool) {
            if labelled && found { truePositives += 1 } else if labelled { falseNegatives += 1 } else { falsePositives += 1 }
        }

        /// True positives over everything found (1 when nothing was found).
        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        /// True positives over everything labelled (1 when nothing was labelled).
        public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    }

    /// Tallies by check (`pii`, `secrets`, `prompt_injection`).
    public private(set) var byCheck: [String: Tally] = [:]
    /// Tallies by variant (`pii/email`, `twin`, `injection/base64`, `benign`, ...).
    public private(set) var byVariant: [String: Tally] = [:]
    /// Items the checks got wrong: id, what was labelled, what was found.
    public private(set) var mistakes: [(id: String, expected: [String], found: [String])] = []

    /// Evaluates every check, on `corpus` (JSON lines).
    public init(corpus: Data) throws {
        let scanner = GuardrailScanner(rules: GuardrailRules(pii: .block, secrets: .block, promptInjection: .block))
        let decoder = JSONDecoder()
        for line in corpus.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let item = try decoder.decode(Item.self, from: Data(line))
            let found = Set(scanner.scan(Array(item.text.utf8)).map { Item.Label(check: $0.check.rawValue, type: $0.typeName) })
            add(item, found: found)
        }
    }

    private mutating func add(_ item: Item, found: Set<Item.Label>) {
        /// Prompt injection is compared by check only.
        func key(_ label: Item.Label) -> Item.Label { label.check == GuardrailCheck.promptInjection.rawValue ? Item.Label(check: label.check, type: "*") : label }
        let expected = Set(item.labels.map(key))
        let got = Set(found.map(key))
        byVariant[item.variant, default: Tally()].items += 1
        for check in GuardrailCheck.allCases where check != .denyPhrases { byCheck[check.rawValue, default: Tally()].items += 1 }
        for label in expected.union(got) {
            let (labelled, found) = (expected.contains(label), got.contains(label))
            byCheck[label.check, default: Tally()].count(labelled: labelled, found: found)
            byVariant[item.variant, default: Tally()].count(labelled: labelled, found: found)
        }
        if expected != got {
            mistakes.append((item.id, expected.map { "\($0.check)/\($0.type)" }.sorted(), got.map { "\($0.check)/\($0.type)" }.sorted()))
        }
    }

    /// A table of every check and variant: items, found correctly, missed, false alarms, precision, recall.
    public var report: String {
        func row(_ name: String, _ tally: Tally) -> String {
            let cells = [name.padding(toLength: 28, withPad: " ", startingAt: 0), String(tally.items), String(tally.truePositives), String(tally.falseNegatives),
                String(tally.falsePositives), String(format: "%.3f", tally.precision), String(format: "%.3f", tally.recall)]
            return "| " + cells.joined(separator: " | ") + " |"
        }
        var lines = ["| check or variant | items | found | missed | false alarms | precision | recall |", "|---|---:|---:|---:|---:|---:|---:|"]
        lines += byCheck.keys.sorted().map { row($0, byCheck[$0]!) }
        lines += byVariant.keys.sorted().map { row($0, byVariant[$0]!) }
        return lines.joined(separator: "\n")
    }
}
