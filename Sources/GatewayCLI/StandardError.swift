import ArgumentParser
import ControlPlane
import ControlPlaneClient
import GatewayModel

import class Foundation.FileHandle
import struct Foundation.Data

/// Writes a line to standard error.
func printError(_ text: String) {
    var stream = StandardError()
    print(text, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
