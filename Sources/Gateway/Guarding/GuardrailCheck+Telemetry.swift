import Guardrails
import Telemetry
import WireJSON

extension GuardrailCheck {
    /// The check as telemetry records it.
    var telemetry: GuardrailFinding.Check {
        switch self {
        case .pii: .pii
        case .secrets: .secrets
        case .promptInjection: .promptInjection
        case .denyPhrases: .denyPhrases
        }
    }
}

extension GuardrailFinding.Check {
    /// The reason a block by this check records.
    var reason: ReasonCode {
        switch self {
        case .pii: .piiDetected
        case .secrets: .secretDetected
        case .promptInjection: .promptInjectionDetected
        case .denyPhrases: .deniedPhrase
        }
    }
}
