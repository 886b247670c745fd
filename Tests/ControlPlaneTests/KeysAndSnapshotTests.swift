import ControlPlane
import Foundation
import GatewayModel
import Testing

@Suite("Key hashing, generation and snapshot lookups")
struct KeysAndSnapshotTests {
    @Test("SHA-256 hex matches the standard test vector")
    func hash() {
        #expect(KeyHasher.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // The request path hashes a key's bytes in place (a substring of a header) into the
        // digest that the stored hex spells; a collection without contiguous storage is copied
        // first. All give the same digest.
        let key = "Bearer sk-gw-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
        let presented = key.dropFirst(7).utf8
        #expect(KeyDigest(of: presented) == KeyDigest(hex: KeyHasher.sha256Hex(String(key.dropFirst(7)))))
        #expect(KeyDigest(of: presented.reversed().reversed()) == KeyDigest(of: presented))
        #expect(KeyDigest(of: Array("abc".utf8)) == KeyDigest(hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(KeyDigest(of: Array("abd".utf8)) != KeyDigest(of: Array("abc".utf8)))
        // Drawn keys: the digest of the bytes is the digest of the stored hex, and differs from another key's.
        var drawnKeys: Set<String> = []
        var digests: Set<KeyDigest> = []
        for _ in 0..<200 {
            let drawn = String((0..<Int.random(in: 0...80)).map { _ in Character(UnicodeScalar(UInt8.random(in: 0x21...0x7e))) })
            let digest = KeyDigest(of: drawn.utf8)
            #expect(digest == KeyDigest(hex: KeyHasher.sha256Hex(drawn)))
            drawnKeys.insert(drawn)
            digests.insert(digest)
        }
        #expect(digests.count == drawnKeys.count)
        // Only what a configuration stores spells a digest: 64 lowercase hex digits.
        #expect(KeyDigest(hex: "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") == nil)
        #expect(KeyDigest(hex: "ba7816bf") == nil)
        #expect(KeyHasher.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(KeyHasher.isWellFormedHash(KeyHasher.sha256Hex("x")))
        #expect(!KeyHasher.isWellFormedHash("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
    }

    @Test("generated keys carry the prefix, differ, and use base62")
    func generate() {
        let keys = (0..<100).map { _ in KeyGenerator.generate() }
        #expect(Set(keys).count == 100)
        #expect(keys.allSatisfy { $0.hasPrefix("sk-gw-") && $0.count == 46 && $0.dropFirst(6).allSatisfy { $0.isLetter || $0.isNumber } })
    }

    @Test("a snapshot finds keys by hash, routes by project and expiry by time")
    func snapshot() {
        let expiry = Date(timeIntervalSince1970: 2_000_000_000)
        let config = GatewayConfig(
            providers: [ProviderConfig(name: "mock", kind: .mock)],
            orgs: [
                Org(
                    id: "acme",
                    projects: [
                        Project(
                            id: "p1", routes: [Route(model: "b", targets: [RouteTarget(provider: "mock", model: "b")]), Route(model: "a", targets: [])],
                            keys: [APIKey(id: "k", sha256: KeyHasher.sha256Hex("secret"), expiresAt: expiry)])
                    ])
            ])
        let snapshot = SnapshotIndex(version: 3, config: config)
        let grant = snapshot.key(hash: KeyHasher.sha256Hex("secret"))
        #expect(grant == KeyGrant(keyID: "k", projectID: "p1", orgID: "acme", expiresAt: expiry))
        #expect(grant?.isExpired(at: expiry.addingTimeInterval(-1)) == false)
        #expect(grant?.isExpired(at: expiry) == true)
        #expect(snapshot.key(hash: KeyHasher.sha256Hex("other")) == nil)
        #expect(snapshot.models(project: "p1") == ["a", "b"])
        #expect(snapshot.route(model: "b", project: "p1")?.route.targets.first?.provider == "mock")
        #expect(snapshot.route(model: "b", project: "p2") == nil)
        #expect(snapshot.provider(named: "mock")?.kind == .mock)
    }

    @Test("the demo configuration routes mock-gpt to the mock provider and accepts its key")
    func demo() {
        let snapshot = SnapshotIndex(version: 1, config: DemoConfig.make(key: "sk-gw-demo"))
        #expect(snapshot.key(hash: KeyHasher.sha256Hex("sk-gw-demo"))?.projectID == "playground")
        #expect(snapshot.route(model: "mock-gpt", project: "playground")?.route.targets.first?.provider == "mock")
    }

    @Test("listen addresses parse host:port, including IPv6, and reject nonsense")
    func listen() {
        #expect(ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress(parsing: "[::1]:80")?.host == "::1")
        #expect(ListenAddress(parsing: "[::1]:80")?.description == "[::1]:80")
        for bad in ["8080", ":80", "host:", "host:99999", "host:x"] { #expect(ListenAddress(parsing: bad) == nil) }
    }
}
