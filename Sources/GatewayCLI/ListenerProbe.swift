import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel
import NIOCore
import NIOPosix

/// Checks that a listener's address can be bound before the process writes anything (the store,
/// the demo configuration): a second `gateway serve` beside a running one stops with a clear
/// message instead of changing the first one's state.
enum ListenerProbe {
    /// Binds `address` and lets it go at once.
    /// - Throws: a `ValidationError` naming the setting and the address when it is taken.
    static func check(_ address: ListenAddress, setting: String) async throws {
        guard address.port != 0 else { return }  // any free port: nothing to collide with
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port)
                .get()
            try await channel.close()
        } catch {
            throw ValidationError(
                "\(setting) \(address) cannot be bound (\(error)); is another gateway serve running there? Stop it, or choose another address.")
        }
    }
}
