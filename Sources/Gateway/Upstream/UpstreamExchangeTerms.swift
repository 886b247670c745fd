import GatewayModel
import NIOCore
import NIOHTTP1

/// What the state machine reads of an exchange in flight.
protocol UpstreamExchangeTerms {
    /// The client asked for a stream.
    var stream: Bool { get }
    /// Most bytes a whole answer may have.
    var maxBytes: Int { get }
    /// When the whole answer must be in.
    var deadline: NIODeadline { get }
}
