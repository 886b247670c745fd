import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// How commands print what the admin API answered.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
