import ArgumentParser
import NIOCore
import NIOPosix

/// Process entry: installs NIO's event loops as Swift Concurrency's global executor, so request
/// handling, upstream I/O and the response stay on one thread instead of hopping between NIO's
/// threads and the concurrency pool, then runs the command line.
@main
enum Entrypoint {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await GatewayCommand.main()
    }
}
