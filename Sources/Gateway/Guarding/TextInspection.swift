import Glibc
import Guardrails
import NIOCore
import Telemetry
import WireJSON

/// Scans the JSON string literals of a body with a guardrail scanner: what each check found, as
/// telemetry findings, and the body edits that put each redacted match's placeholder in its place.
enum TextInspection {
    /// What the checks found, and the edits that redact it.
    typealias Outcome = (findings: [GuardrailFinding], edits: [BodyEdit])

    /// The findings in the text `slots` finds in `body`, and the edits that redact them; the
    /// ambiguity when a field the text lives in appears twice.
    static func inspect(
        _ body: ByteBuffer, slots: (UnsafeBufferPointer<UInt8>) throws(MessageText.Ambiguity) -> [MessageText], scanner: GuardrailScanner,
        direction: GuardrailFinding.Direction
    ) -> Result<Outcome, MessageText.Ambiguity> {
        body.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(MessageText.Ambiguity) {
                return .success(inspect(bytes, slots: try slots(bytes), scanner: scanner, direction: direction))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The findings in `slots` of `bytes`, and the edits that redact them (ranges of `bytes`).
    static func inspect(_ bytes: UnsafeBufferPointer<UInt8>, slots: [MessageText], scanner: GuardrailScanner, direction: GuardrailFinding.Direction) -> Outcome {
        var findings: [GuardrailFinding] = []
        var edits: [BodyEdit] = []
        for slot in slots {
            let inner = bytes[(slot.literal.lowerBound + 1)..<(slot.literal.upperBound - 1)]
            // Without escapes the literal's bytes are the text: scanned in place, offsets are the same.
            let escaped = memchr(bytes.baseAddress! + inner.startIndex, Int32(UInt8(ascii: "\\")), inner.count) != nil
            let decoded = escaped ? JSONString.unescapedUTF8WithOffsets(inner) : nil
            let matches = decoded.map { scanner.scan($0.utf8) } ?? scanner.scan(UnsafeBufferPointer(rebasing: inner))
            for match in matches {
                let finding = self.finding(match, rules: scanner.rules, direction: direction, message: slot.message)
                findings.append(finding)
                if finding.action == .redact, let range = match.range {
                    let start = decoded.map { $0.offsets[range.lowerBound] } ?? range.lowerBound
                    let end = decoded.map { $0.offsets[range.upperBound] } ?? range.upperBound
                    edits.append(BodyEdit(range: (inner.startIndex + start)..<(inner.startIndex + end), replacement: match.placeholder))
                }
            }
        }
        return (findings, edits)
    }

    /// The finding of `match` under `rules`: `redact` only where the match has a place in the text.
    static func finding(_ match: GuardrailMatch, rules: GuardrailRules, direction: GuardrailFinding.Direction, message: Int) -> GuardrailFinding {
        let action = rules.action(of: match.check)
        let taken: GuardrailFinding.Action = action == .block ? .block : (action == .redact && match.range != nil ? .redact : .monitor)
        return GuardrailFinding(direction: direction, check: match.check.telemetry, action: taken, type: match.typeName, message: message)
    }

    /// What a client reads of an answer whose text cannot be checked because a field of it appears twice (a 502).
    static func ambiguousAnswerMessage(_ ambiguity: MessageText.Ambiguity) -> String {
        "The provider's answer names '\(ambiguity.field)' more than once (choice \(ambiguity.message)), so the guardrails cannot check it; it was not passed on."
    }

    /// What a blocked client reads: the check, the type and where, never the matched text.
    static func blockMessage(_ finding: GuardrailFinding) -> String {
        let place = finding.direction == .input ? "message \(finding.message)" : "the provider's answer"
        let subject = finding.direction == .input ? "The request" : "The answer"
        return "\(subject) was blocked by the project's guardrails: \(finding.check.name) (\(finding.type)) found in \(place)."
            + (finding.direction == .input ? " Remove it and retry." : "")
    }
}
