import GatewayModel
import Testing

import class Foundation.FileManager
import struct Foundation.URL

/// Gives a suite's SQLite stores (``StoreBackend/emptyStoreURL()``) one temporary folder, removed
/// when the suite ends, so test runs leave nothing behind.
struct TemporaryStores: SuiteTrait, TestScoping {
    /// The folder of the suite running now; nil outside a suite with this trait.
    @TaskLocal static var folder: URL?

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-tests-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.$folder.withValue(folder) { try await function() }
    }
}

extension Trait where Self == TemporaryStores {
    /// Stores in a temporary folder that is removed when the suite ends.
    static var temporaryStores: TemporaryStores { TemporaryStores() }
}
