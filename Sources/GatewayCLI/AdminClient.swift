import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small client of the admin API that prints its errors and exits non-zero on them.
struct AdminClient {
    let baseURL: String
    let token: String?

    /// `text` escaped for one path segment or query value: `meta-llama/Llama` becomes `meta-llama%2FLlama`.
    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// Sends a request; returns the decoded JSON of a 2xx answer.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, text: String? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + path)
        request.method = method
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        request.headers.add(name: "x-gateway-actor", value: "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")")
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let text {
            request.body = .bytes(ByteBuffer(string: text))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            printError("error: cannot reach \(baseURL): \(error)")
            throw ExitCode(2)
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        guard (200..<300).contains(response.status.code) else {
            let message = ((object as? [String: Any])?["error"] as? [String: Any])?["message"] as? String ?? String(buffer: body)
            printError("error: \(response.status.code): \(message)")
            throw ExitCode(1)
        }
        return object ?? [:]
    }
}

/// Prints `object` as JSON, or `rows` under `columns` as an aligned table.
func show(_ object: Any, as format: OutputFormat, columns: [String], rows: [[String]]) throws {
    switch format {
    case .json:
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    case .table:
        let widths = columns.indices.map { index in ([columns[index]] + rows.map { $0[index] }).map(\.count).max() ?? 0 }
        for row in [columns.map { $0.uppercased() }] + rows {
            print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}

/// The text of a JSON field for a table cell.
func cell(_ value: Any?) -> String {
    switch value {
    case nil, is NSNull: "-"
    case let text as String: text
    case let number as NSNumber: number.stringValue
    case let list as [Any]: list.map { cell($0) }.joined(separator: ",")
    case let object as [String: Any]: object.keys.sorted().map { "\($0)=\(cell(object[$0]))" }.joined(separator: " ")
    default: "\(value!)"
    }
}
