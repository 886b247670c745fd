import AsyncHTTPClient
import Collector
import GatewayModel
import Hummingbird
import Logging
import Telemetry
import TestSupport
import Testing

@Suite("Scraping a remote gateway's ring over HTTP")
struct RemoteScrapeTests {
    @Test("traces cross the wire intact, gaps are counted, and a wrong token is a scrape failure")
    func scrape() async throws {
        let ring = TelemetryRing(capacity: 8)
        let router = RingServer.router(ring: ring, token: "secret")
        let mapping = OrgMapping(orgByProject: ["p": "acme"], orgs: ["acme"], models: ["m"])
        let client = HTTPTelemetrySource.makeClient()
        defer { _ = client.shutdown() }
        let logger = Logger(label: "test")
        try await LiveServer.run(router: router) { port in
            let url = "http://127.0.0.1:\(port)"
            let store = TelemetryStore()
            let collector = Collector(sources: [HTTPTelemetrySource(client: client, baseURL: url, token: "secret")], store: store, mapping: { mapping }, logger: logger)
            for index in 0..<20 {
                var trace = RequestTrace(traceID: TraceID(high: 1, low: UInt64(index)), startUnixNanos: 1, operation: "chat")
                trace.projectID = index % 2 == 0 ? "p" : "unknown"
                trace.requestedModel = "m"
                trace.status = 200
                trace.append(GateSpan(gate: "upstream", decision: .pass, startOffsetNanos: 0, durationNanos: 5))
                ring.append(trace)
            }
            // The ring kept the newest 8 of 20; a second collection finds nothing new.
            #expect(await collector.collect() == 8)
            #expect(await collector.collect() == 0)
            let text = PrometheusText.render(store.families(org: nil), format: .text)
            #expect(text.contains("gateway_telemetry_records_dropped_total{source=\"\(url)\"} 12"))
            #expect(text.contains("gateway_telemetry_records_written{source=\"\(url)\"} 20"))
            #expect(text.contains("gateway_requests_total{org=\"acme\",project=\"p\",model=\"m\",status=\"200\",gate=\"upstream\"} 4"))
            #expect(text.contains("gateway_telemetry_records_unattributed_total{source=\"\(url)\"} 4"))
            #expect(store.requests(org: "acme").first?.trace.traceID == TraceID(high: 1, low: 18))

            let wrong = Collector(sources: [HTTPTelemetrySource(client: client, baseURL: url, token: "nope")], store: store, mapping: { mapping }, logger: logger)
            await wrong.collect()
            let after = PrometheusText.render(store.families(org: nil), format: .text)
            #expect(after.contains("gateway_telemetry_scrape_failures_total{source=\"\(url)\"} 1"))
        }
    }

    @Test("a gateway that is down is a counted failure, and the collector keeps going")
    func downGateway() async throws {
        let client = HTTPTelemetrySource.makeClient()
        defer { _ = client.shutdown() }
        let store = TelemetryStore()
        let mapping = OrgMapping(orgByProject: [:], orgs: [])
        let collector = Collector(
            sources: [HTTPTelemetrySource(client: client, baseURL: "http://127.0.0.1:9", token: nil)], store: store, mapping: { mapping },
            logger: Logger(label: "test"))
        #expect(await collector.collect() == 0)
        await collector.collect()
        #expect(PrometheusText.render(store.families(org: nil), format: .text).contains("gateway_telemetry_scrape_failures_total{source=\"http://127.0.0.1:9\"} 2"))
    }
}
