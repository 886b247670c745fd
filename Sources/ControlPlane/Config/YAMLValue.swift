import GatewayModel
import Yams

import struct Foundation.Date
import class Foundation.ISO8601DateFormatter

/// Collects the issues found while reading one file.
final class IssueLog {
    private(set) var issues: [ConfigIssue] = []

    func add(_ path: String, _ line: Int?, _ message: String) {
        issues.append(ConfigIssue(path: path, line: line, message: message))
    }
}

/// A YAML node with its key path, read with type checks that log issues instead of throwing,
/// so one pass reports every problem in the file.
struct YAMLValue {
    let node: Node
    let path: String
    let log: IssueLog

    var line: Int? { node.mark?.line }

    func fail(_ message: String) { log.add(path, line, message) }

    /// The mapping's fields, after logging every key not in `allowed`.
    func fields(allowed: [String]) -> YAMLFields? {
        guard case .mapping(let mapping) = node else {
            fail("expected a mapping with keys \(allowed.joined(separator: ", "))")
            return nil
        }
        var values: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            if !allowed.contains(name) {
                log.add(childPath, key.mark?.line, "unknown key '\(name)'; expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            values[name] = YAMLValue(node: value, path: childPath, log: log)
        }
        return YAMLFields(values: values, owner: self)
    }

    /// The keys and values of a mapping whose keys are free, such as header names, or nil (with an issue) for any other node.
    var entries: [(key: String, value: YAMLValue)]? {
        guard case .mapping(let mapping) = node else {
            fail("expected a mapping")
            return nil
        }
        return mapping.compactMap { key, value in
            key.string.map { ($0, YAMLValue(node: value, path: path.isEmpty ? $0 : "\(path).\($0)", log: log)) }
        }
    }

    /// The elements of a sequence, or nil (with an issue) for any other node.
    var list: [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            fail("expected a list")
            return nil
        }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", log: log) }
    }

    /// A non-empty string; plain numbers are accepted as their text.
    var string: String? {
        guard case .scalar(let scalar) = node, [.str, .int, .float].contains(node.tagName) || scalar.style != .plain
        else {
            fail("expected a string")
            return nil
        }
        guard !scalar.string.isEmpty else {
            fail("must not be empty")
            return nil
        }
        return scalar.string
    }

    /// A name usable in URLs and metric labels: 1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
    var identifier: String? {
        guard let text = string else { return nil }
        let allowed = text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        guard allowed, text.utf8.count <= 64, text.utf8.first!.isASCIIAlphanumeric else {
            fail("'\(text)' is not a valid id: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
            return nil
        }
        return text
    }

    /// A non-negative dollar amount with at most six decimals (a number or a decimal string), in micro-USD.
    var dollars: Int64? {
        guard case .scalar(let scalar) = node, [.int, .float, .str].contains(node.tagName), let micros = MicroUSD.parse(scalar.string) else {
            fail("expected a non-negative amount of US dollars with at most 6 decimals, e.g. 12.50")
            return nil
        }
        return micros
    }

    /// A boolean.
    var bool: Bool? {
        guard node.tagName == .bool, let value = node.bool else {
            fail("expected true or false")
            return nil
        }
        return value
    }

    /// An integer within `range`.
    func int(in range: ClosedRange<Int>) -> Int? {
        guard node.tagName == .int, let value = node.int else {
            fail("expected an integer")
            return nil
        }
        guard range.contains(value) else {
            fail("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A positive number of seconds.
    var positiveSeconds: Double? {
        guard [.int, .float].contains(node.tagName), let value = node.float, value > 0, value.isFinite else {
            fail("expected a positive number of seconds")
            return nil
        }
        return value
    }

    /// An RFC 3339 timestamp such as `2027-01-01T00:00:00Z`.
    var date: Date? {
        if node.tagName == .timestamp, let date = node.timestamp { return date }
        if case .scalar(let scalar) = node, let date = ISO8601DateFormatter().date(from: scalar.string) { return date }
        fail("expected an RFC 3339 timestamp such as 2027-01-01T00:00:00Z")
        return nil
    }
}

/// The fields of a YAML mapping, looked up by name.
struct YAMLFields {
    let values: [String: YAMLValue]
    let owner: YAMLValue

    subscript(_ name: String) -> YAMLValue? { values[name] }

    /// The field `name`, logging an issue on the mapping when it is absent.
    func required(_ name: String) -> YAMLValue? {
        if let value = values[name] { return value }
        owner.log.add(owner.path.isEmpty ? name : "\(owner.path).\(name)", owner.line, "required key '\(name)' is missing")
        return nil
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5a).contains(self) || (0x61...0x7a).contains(self)
    }
}

extension Node {
    /// The resolved tag's name, e.g. `tag:yaml.org,2002:int`.
    fileprivate var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
