import AsyncHTTPClient
import ControlPlaneClient
import Foundation
import GatewayModel
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing

/// A control plane as a follower sees it: `GET /config/v1/snapshot[?after=V&wait=Ns]` behind a
/// bearer token, answering the current document, or after a short wait 304 when `after` is current.
final class FakeControlPlane: Sendable {
    private struct State {
        var version = 1
        var failing = false
        var queries: [String?] = []
    }
    private let state = Mutex(State())

    var queries: [String?] { state.withLock { $0.queries } }
    func publish(_ version: Int) { state.withLock { $0.version = version } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.get("/config/v1/snapshot") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer t" else { return Response(status: .unauthorized) }
            let after = request.uri.queryParameters["after"].map(String.init)
            let (version, failing) = self.state.withLock { state in
                state.queries.append(after)
                return (state.version, state.failing)
            }
            if failing { return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "store down"))) }
            if let after, Int(after) == version {
                try await Task.sleep(for: .milliseconds(20))
                return Response(status: .notModified)
            }
            let document = SnapshotDocument(version: version, providers: [], orgs: [])
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try DocumentCoding.encoder.encode(document))))
        }
        return router
    }
}

/// What a follower applied, in order.
final class Applied: Sendable {
    private let versions = Mutex<[Int]>([])
    var all: [Int] { versions.withLock { $0 } }
    func add(_ version: Int) { versions.withLock { $0.append(version) } }

    /// Waits (real time, bounded) until `condition` holds for the applied versions.
    func wait(until condition: ([Int]) -> Bool) async -> Bool {
        await Eventually.holds { condition(all) }
    }
}

@Suite("Following a control plane")
struct SnapshotFollowerTests {
    /// Runs a follower of `plane` on `clock` for the duration of `body`.
    static func follow(
        _ plane: FakeControlPlane, clock: ManualClock, resyncSeconds: Double = 60,
        _ body: @Sendable (Applied, ReconcileStatus) async throws -> Void
    ) async throws {
        let client = FollowerHTTPClient.make()
        defer { _ = client.shutdown() }
        try await LiveServer.run(router: plane.router) { port in
            let applied = Applied()
            let status = ReconcileStatus()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let follower = SnapshotFollower<SnapshotDocument, ManualClock>(
                client: client, baseURL: "http://127.0.0.1:\(port)/", path: "/config/v1/snapshot", token: "t", resyncSeconds: resyncSeconds,
                status: status, clock: clock, logger: logger, apply: { applied.add($0.version) })
            let task = Task { try await follower.run() }
            defer { task.cancel() }
            try await body(applied, status)
        }
    }


    @Test("the first document is fetched whole, a newer one arrives through the long-poll, and the status names it")
    func followsVersions() async throws {
        let plane = FakeControlPlane()
        try await Self.follow(plane, clock: ManualClock()) { applied, status in
            #expect(await applied.wait { $0 == [1] })
            #expect(await Eventually.holds { plane.queries.contains("1") })
            plane.publish(2)
            #expect(await applied.wait { $0 == [1, 2] })
            #expect(status.reading.version == 2)
            #expect(status.reading.failures == 0)
            let queries = plane.queries
            #expect(queries.first == .some(nil))
            #expect(queries.dropFirst().allSatisfy { $0 == "1" || $0 == "2" })
        }
    }

    @Test("once resyncSeconds pass on its clock the follower fetches the whole document again, and not before")
    func resyncs() async throws {
        let plane = FakeControlPlane()
        let clock = ManualClock()
        try await Self.follow(plane, clock: clock, resyncSeconds: 60) { applied, _ in
            #expect(await applied.wait { $0 == [1] })
            #expect(await Eventually.holds { plane.queries.count >= 4 })
            #expect(plane.queries.filter { $0 == nil }.count == 1)
            clock.advance(by: .seconds(59))
            let before = plane.queries.count
            #expect(await Eventually.holds { plane.queries.count >= before + 3 })
            #expect(plane.queries.filter { $0 == nil }.count == 1)
            clock.advance(by: .seconds(1))
            #expect(await Eventually.holds { plane.queries.filter { $0 == nil }.count == 2 })
            // The same version again is not applied twice.
            #expect(applied.all == [1])
        }
    }

    @Test("while the control plane fails the document in force stays, failures are counted, the retry waits on the clock")
    func survivesFailure() async throws {
        let plane = FakeControlPlane()
        let clock = ManualClock()
        try await Self.follow(plane, clock: clock) { applied, status in
            #expect(await applied.wait { $0 == [1] })
            plane.fail(true)
            #expect(await clock.waitForSleepers(1))
            #expect(status.reading.failures >= 1)
            #expect(status.reading.version == 1)
            let parked = plane.queries.count
            plane.publish(3)
            plane.fail(false)
            // Parked on the clock: no request goes out until the backoff passes.
            #expect(plane.queries.count == parked)
            clock.advance(by: .milliseconds(200))
            #expect(await applied.wait { $0 == [1, 3] })
            #expect(status.reading.version == 3)
        }
    }
}
