import ControlPlane
import ControlPlaneClient
import GatewayModel

import class Foundation.FileManager
import struct Foundation.URL

/// An error message for the command line.
struct ValidationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
