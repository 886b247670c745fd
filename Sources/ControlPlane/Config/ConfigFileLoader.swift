import GatewayModel
import Yams

import struct Foundation.URL

/// Reads the declarative YAML configuration, reporting every problem with its key path and line.
public enum ConfigFileLoader {
    /// Parses and validates YAML text.
    /// - Throws: ``ConfigError`` listing every problem found.
    public static func load(yaml: String) throws(ConfigError) -> GatewayConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(issues: [ConfigIssue(path: "", line: Self.line(of: error, in: yaml), message: "not valid YAML: \(error)")])
        } catch {
            throw ConfigError(issues: [ConfigIssue(path: "", line: nil, message: "not valid YAML: \(error)")])
        }
        guard let root, !Self.isBlank(root) else {
            throw ConfigError(issues: [ConfigIssue(path: "", line: nil, message: "the file is empty; start from the example in the README")])
        }
        let log = IssueLog()
        let config = ConfigReader(log: log).read(YAMLValue(node: root, path: "", log: log))
        guard log.issues.isEmpty else { throw ConfigError(issues: log.issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        return config
    }

    /// A document with nothing in it (or only `null` / `~`).
    private static func isBlank(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The line a person should look at: where the problem is, or where the construct that the
    /// file ended inside began (an unclosed quote or bracket), or the repeated key.
    private static func line(of error: YamlError, in yaml: String) -> Int? {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if problem.contains("end of stream"), let context { return context.mark.line }
            return mark.line
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the mapping; the line to fix is the key's second appearance in it.
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let keyLines = lines.indices.filter { index in
                index + 1 >= context.mark.line && duplicates.contains { lines[index].drop { $0 == " " || $0 == "-" }.hasPrefix($0 + ":") }
            }
            if keyLines.count > 1 { return keyLines[1] + 1 }
            return context.mark.line
        default: return nil
        }
    }
}
