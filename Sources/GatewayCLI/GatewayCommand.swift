import ArgumentParser
import GatewayModel

/// The `gateway` executable: an observability-centric AI gateway.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "An OpenAI-compatible AI gateway with an observable policy gate chain.",
        version: GatewayVersion.current,
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, ApplyCommand.self, OrgsCommand.self, ProjectsCommand.self, KeysCommand.self,
            RoutesCommand.self, SpendCommand.self, ExplainCommand.self, GuardrailsCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
