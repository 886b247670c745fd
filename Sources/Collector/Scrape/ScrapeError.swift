import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Telemetry

/// A scrape that got an answer it could not use.
struct ScrapeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
